// What the pages need around requesting and issuing: whom a citizen may ask certificates for and which
// types the registry supports for each, the citizen's and the office's lists, revocation, and the
// figures per ente, type and month for the SAD console. No HTTP here.
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError, PlatformErrors } from '../../platform/errors.ts';
import {
  isSelfOrFamily,
  type RegistryFamily,
  type RegistryPerson,
  type Relationship,
} from '../registry/index.ts';
import { CERTIFICATE_TYPES, type CertificateType, whyUnavailable } from './certificate-types.ts';
import * as repo from './certificates.repo.ts';
import { type CertificatesDeps, subjectData } from './certificates.service.ts';

export interface TypeChoice {
  type: CertificateType;
  /** Null when available, else why not (Italian, for the citizen or the operator). */
  unavailable: string | null;
}

export interface SubjectChoice {
  person: RegistryPerson;
  /** ANPR's relationship to the head of the family sheet; null for oneself outside a family. */
  relationship: Relationship | null;
  self: boolean;
}

/** The citizen and the members of their registered family: the people they may ask certificates for. */
export async function requestableSubjects(
  deps: CertificatesDeps,
  enteId: string,
  fiscalCode: string,
): Promise<SubjectChoice[]> {
  const own = fiscalCode.toUpperCase();
  const family = await deps.registry.findFamily(enteId, own);
  if (family) {
    return family.members
      .filter((m) => !m.person.deathDate || m.person.fiscalCode === own)
      .map((m) => ({
        person: m.person,
        relationship: m.relationship,
        self: m.person.fiscalCode === own,
      }))
      .sort((a, b) => Number(b.self) - Number(a.self));
  }
  const person = await deps.registry.findPerson(enteId, own);
  return person ? [{ person, relationship: null, self: true }] : [];
}

/** Every type with its availability for this person (the request form lists both kinds). */
export async function typeChoices(
  deps: CertificatesDeps,
  enteId: string,
  fiscalCode: string,
): Promise<{ person: RegistryPerson; family: RegistryFamily | null; types: TypeChoice[] }> {
  const data = await subjectData(deps, enteId, fiscalCode);
  return {
    person: data.person,
    family: data.family,
    types: CERTIFICATE_TYPES.map((type) => ({ type, unavailable: whyUnavailable(type, data) })),
  };
}

/**
 * The request form for `persona` asked by `requester`, from one read of the registry: the person, their
 * relationship in the family, the types with their availability, and whether the family has others to
 * ask for. Null when `persona` is neither the requester nor a member of the requester's family.
 */
export async function requestChoice(
  deps: CertificatesDeps,
  enteId: string,
  requester: string,
  persona: string,
): Promise<{ subject: SubjectChoice; types: TypeChoice[]; others: boolean } | null> {
  const found = await deps.registry.findSubject(enteId, persona);
  if (!found || !isSelfOrFamily(found, requester)) return null;
  const own = requester.toUpperCase();
  const self = found.person.fiscalCode === own;
  const member = found.family?.members.find((m) => m.person.fiscalCode === found.person.fiscalCode);
  const alive = found.family?.members.filter((m) => !m.person.deathDate || m.person.fiscalCode === own) ?? [];
  return {
    subject: { person: found.person, relationship: member?.relationship ?? null, self },
    types: CERTIFICATE_TYPES.map((type) => ({ type, unavailable: whyUnavailable(type, found) })),
    others: alive.length > 1,
  };
}

export const listCitizenCertificates = (db: Db, enteId: string, fiscalCode: string) =>
  withTenant(db, enteId, (trx) => repo.listForCitizen(trx, enteId, fiscalCode.toUpperCase()));

/** Whether the citizen may see and download this certificate: they asked for it, or it is about them. */
export const citizenMaySee = (row: repo.CertificateSummary, fiscalCode: string) =>
  row.requester_fiscal_code === fiscalCode.toUpperCase() ||
  (row.channel === 'counter' && row.subject_fiscal_code === fiscalCode.toUpperCase());

export const listOfficeCertificates = (
  db: Db,
  enteId: string,
  filter: repo.OfficeFilter,
  page: { limit: number; offset: number },
) => withTenant(db, enteId, (trx) => repo.listForOffice(trx, enteId, filter, page));

/** Revokes an issued certificate: verification answers "non valido" with the reason from now on. */
export async function revokeCertificate(
  db: Db,
  input: { enteId: string; id: string; reason: string; actor: string; requestId?: string | null },
): Promise<void> {
  const reason = input.reason.trim();
  if (reason.length < 5 || reason.length > 500) {
    throw PlatformErrors.validation([
      { field: 'reason', message: 'Indicare il motivo della revoca (da 5 a 500 caratteri).' },
    ]);
  }
  await withTenant(db, input.enteId, async (trx) => {
    const row = await repo.findById(trx, input.enteId, input.id);
    if (!row) throw PlatformErrors.notFound('certificate');
    if (!(await repo.revoke(trx, input.enteId, input.id, reason, new Date()))) {
      throw new AppError(
        'CERTIFICATE_NOT_ISSUED',
        409,
        'Solo un certificato rilasciato può essere revocato.',
      );
    }
    await recordAudit(trx, {
      enteId: input.enteId,
      actor: input.actor,
      action: 'certificate.revoke',
      targetType: 'certificate',
      targetId: input.id,
      requestId: input.requestId ?? null,
      content: { number: row.number, reason },
    });
  });
}

const MONTH = /^(19|20)\d{2}-(0[1-9]|1[0-2])$/;

export interface EnteFigures {
  enteId: string;
  rows: repo.FigureRow[];
}

/** Certificates issued per ente, month, type and channel, for the enti given (a SAD's), months inclusive. */
export async function certificateFigures(
  db: Db,
  enteIds: string[],
  range: { from: string; to: string },
): Promise<EnteFigures[]> {
  const fields = [
    ...(MONTH.test(range.from) ? [] : [{ field: 'from', message: 'Mese non valido (AAAA-MM).' }]),
    ...(MONTH.test(range.to) ? [] : [{ field: 'to', message: 'Mese non valido (AAAA-MM).' }]),
  ];
  if (fields.length === 0 && range.from > range.to)
    fields.push({ field: 'to', message: 'Il mese finale precede quello iniziale.' });
  if (fields.length > 0) throw PlatformErrors.validation(fields);
  // Each ente is read in its own tenant transaction (row-level security), never across enti at once.
  const figures: EnteFigures[] = [];
  for (const enteId of enteIds) {
    const rows = await withTenant(db, enteId, (trx) => repo.issuedFigures(trx, enteId, range.from, range.to));
    figures.push({ enteId, rows });
  }
  return figures;
}
