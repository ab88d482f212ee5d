// Requesting and issuing registry certificates: for oneself or a member of one's registered family
// (online) or for anyone by a counter operator; stamp duty paid through pagoPA (a €16 BOLLO position
// created in the same transaction) unless the type or a claimed exemption makes it exempt. Issuing =
// render + seal + store the exact bytes + audit. No HTTP here.
import { createHash, randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.ts';
import { isMinorOn, todayInRome } from '../../platform/dates.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError, PlatformErrors } from '../../platform/errors.ts';
import { createDebtPosition, type PaidEvent, STAMP_DUTY_CENTS } from '../payments/index.ts';
import { isSelfOrFamily, isValidFiscalCode, type RegistrySource } from '../registry/index.ts';
import { isValidNumericFiscalCode } from '../tenancy/index.ts';
import { sealedCertificatePdf } from './certificate-pdf.ts';
import { type EnteSeal, enteSeal, type SealDeps } from './certificate-seal.ts';
import { type StampAuthorisation, stampAuthorisationText } from './certificate-settings.rules.ts';
import { issuingContext } from './certificate-settings.ts';
import {
  CERTIFICATE_TYPE_INFO,
  type CertificateType,
  isCertificateType,
  type SubjectData,
  whyUnavailable,
} from './certificate-types.ts';
import * as repo from './certificates.repo.ts';
import { EXEMPT_BY_NATURE_REFERENCE, findExemption } from './exemptions.ts';

export const MODULE = 'certificates';
const ACTOR = `module:${MODULE}`;

export interface CertificatesDeps extends SealDeps {
  registry: RegistrySource;
  /** The platform's public address: the QR code points at `${publicUrl}/verifica/<number>?c=…`. */
  publicUrl: string;
}

export type Requester =
  | { kind: 'citizen'; userId: string; fiscalCode: string }
  | { kind: 'operator'; userId: string };

export interface CertificateRequest {
  enteId: string;
  requester: Requester;
  subjectFiscalCode: string;
  type: string;
  exemptionCode?: string | null | undefined;
  /** Counter only: the 14-digit number of the marca da bollo (contrassegno telematico) paid with. */
  stampDutyMark?: string | null | undefined;
  /**
   * Counter only: who pays the pagoPA notice when not the subject (a minor's parent or guardian). The
   * name may be left out for a member of the subject's family: the registry's is used.
   */
  payer?: { fiscalCode: string; fullName?: string | null } | null | undefined;
  channel: repo.Channel;
  requestId?: string | null;
}

export interface RequestedCertificate {
  id: string;
  number: string;
  status: repo.CertificateStatus;
  stampDutyCents: number;
  /** The pagoPA position to pay, when awaiting payment. */
  payment: { positionId: string; noticeNumber: string; iuv: string } | null;
}

export const CertificatesErrors = {
  unavailable: (reason: string) => new AppError('CERTIFICATE_UNAVAILABLE', 422, reason),
  markUsed: () =>
    PlatformErrors.validation([
      { field: 'stampDutyMark', message: 'Questo contrassegno è già stato usato per un altro certificato.' },
    ]),
  subjectNotFound: () =>
    new AppError(
      'SUBJECT_NOT_FOUND',
      404,
      'La persona non risulta nel registro anagrafico di questo Comune.',
    ),
};

const verificationCodeOf = (enteId: string, number: string, subject: string) =>
  createHash('sha256').update(`${enteId}|${number}|${subject}`).digest('hex').slice(0, 12);
export const verificationUrl = (publicUrl: string, number: string, code: string) =>
  `${publicUrl}/verifica/${number}?c=${code}`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const formatNumber = (year: number, n: number) => `CERT-${year}-${String(n).padStart(6, '0')}`;
const ROME_YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Rome', year: 'numeric' });
const romeYear = (d: Date) => Number(ROME_YEAR.format(d));

function validate(input: CertificateRequest): { type: CertificateType; subject: string } {
  const fields: { field: string; message: string }[] = [];
  if (!isCertificateType(input.type))
    fields.push({ field: 'type', message: 'Tipo di certificato sconosciuto.' });
  if (input.exemptionCode && !findExemption(input.exemptionCode))
    fields.push({ field: 'exemptionCode', message: 'Esenzione sconosciuta.' });
  const subject = String(input.subjectFiscalCode ?? '')
    .trim()
    .toUpperCase();
  if (!/^[A-Z0-9]{16}$/.test(subject))
    fields.push({ field: 'subjectFiscalCode', message: 'Codice fiscale non valido.' });
  const online = input.channel === 'online' && input.requester?.kind === 'citizen';
  const counter = input.channel === 'counter' && input.requester?.kind === 'operator';
  if (!online && !counter)
    fields.push({ field: 'channel', message: 'Canale non coerente con il richiedente.' });
  if (input.stampDutyMark) {
    if (!counter || input.exemptionCode)
      fields.push({
        field: 'stampDutyMark',
        message: 'Il contrassegno si indica solo allo sportello e senza esenzione.',
      });
    else if (!/^\d{14}$/.test(input.stampDutyMark))
      fields.push({ field: 'stampDutyMark', message: 'Il numero del contrassegno ha 14 cifre.' });
  }
  if (input.payer) {
    const code = input.payer.fiscalCode.toUpperCase();
    if (!counter)
      fields.push({ field: 'payerFiscalCode', message: 'Chi paga si indica solo allo sportello.' });
    else if (!isValidFiscalCode(code) && !isValidNumericFiscalCode(code))
      fields.push({
        field: 'payerFiscalCode',
        message: 'Il codice fiscale (o la partita IVA) di chi paga non è valido.',
      });
    if ((input.payer.fullName ?? '').trim().length > 140)
      fields.push({ field: 'payerName', message: 'Nome e cognome di chi paga: al massimo 140 caratteri.' });
  }
  if (fields.length > 0) throw PlatformErrors.validation(fields);
  return { type: input.type as CertificateType, subject };
}

/**
 * Who the pagoPA notice names. Online: the citizen who asks (possibly for a family member). At the
 * counter: the person or body named as paying (a member of the subject's family by the registry's name),
 * or else the subject; whoever it is must be of age: a notice addressed to a child is not what a family
 * pays.
 */
function payerOf(input: CertificateRequest, found: SubjectData, today: string) {
  const members = found.family?.members.map((m) => m.person) ?? [];
  const named = (code: string) => members.find((p) => p.fiscalCode === code.toUpperCase());
  const asDebtor = (p: SubjectData['person']) => ({
    fiscalCode: p.fiscalCode,
    fullName: `${p.givenName} ${p.surname}`,
  });
  if (input.requester.kind === 'citizen') return asDebtor(named(input.requester.fiscalCode) ?? found.person);
  const minor = (p: SubjectData['person']) => isMinorOn(p.birthDate, today);
  const minorPays = () =>
    PlatformErrors.validation([
      {
        field: 'payer',
        message:
          "Chi paga l'avviso dev'essere maggiorenne: per un minorenne un genitore o chi ne fa le veci.",
      },
    ]);
  if (!input.payer) {
    if (minor(found.person)) throw minorPays();
    return asDebtor(found.person);
  }
  const member = named(input.payer.fiscalCode);
  if (member && minor(member)) throw minorPays();
  if (member) return asDebtor(member);
  const fullName = (input.payer.fullName ?? '').trim();
  if (!fullName)
    throw PlatformErrors.validation([
      { field: 'payerName', message: 'Indica nome e cognome (o denominazione) di chi paga.' },
    ]);
  return { fiscalCode: input.payer.fiscalCode.toUpperCase(), fullName };
}

/** Everything the registry holds about the subject of a certificate; 404 when not registered here. */
export async function subjectData(
  deps: CertificatesDeps,
  enteId: string,
  fiscalCode: string,
): Promise<SubjectData> {
  const subject = await deps.registry.findSubject(enteId, fiscalCode);
  if (!subject) throw CertificatesErrors.subjectNotFound();
  return subject;
}

/** "Pensione e …" → "pensione e …" inside a sentence; an acronym ("ONLUS ed enti …") stays as it is. */
const lowerInitial = (text: string) =>
  /^.[a-zà-ù]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;

function stampDutyLine(
  row: Pick<repo.CertificateRow, 'type' | 'exemption_code' | 'stamp_duty_mark'>,
  paidNotice?: string,
  authorisation?: StampAuthorisation | null,
): string {
  const exemption = row.exemption_code ? findExemption(row.exemption_code) : undefined;
  if (exemption)
    return `Esente da imposta di bollo ai sensi dell'${exemption.reference}, per ${lowerInitial(exemption.label)}.`;
  if (CERTIFICATE_TYPE_INFO[row.type].exemptByNature)
    return `Esente da imposta di bollo ai sensi dell'${EXEMPT_BY_NATURE_REFERENCE}.`;
  if (row.stamp_duty_mark)
    return `Imposta di bollo di € 16,00 assolta mediante contrassegno telematico n. ${row.stamp_duty_mark}.`;
  // The ente's authorisation for the virtual payment (art. 15 DPR 642/1972), once set on the admin page.
  const authorised = authorisation ? ` – ${stampAuthorisationText(authorisation)} –` : '';
  return `Imposta di bollo di € 16,00 assolta in modo virtuale${authorised} tramite pagoPA${paidNotice ? ` (avviso n. ${paidNotice})` : ''}.`;
}

async function render(
  deps: CertificatesDeps,
  row: repo.CertificateRow,
  subject: SubjectData,
  seal: EnteSeal,
  issuedAt: Date,
  paidNotice?: string,
): Promise<Buffer> {
  const { enteName, settings } = await issuingContext(deps.db, row.ente_id);
  return sealedCertificatePdf(
    {
      type: row.type,
      number: row.number,
      issuedAt,
      subject,
      ente: { name: enteName, emblemPng: settings.emblem?.bytes },
      stampDutyLine: stampDutyLine(row, paidNotice, settings.stampAuthorisation),
      verificationUrl: verificationUrl(deps.publicUrl, row.number, row.verification_code),
      verificationCode: row.verification_code,
      test: seal.test,
    },
    seal,
  );
}

/** Requests a certificate: issued at once when exempt, else awaiting the €16 stamp-duty payment. */
export async function requestCertificate(
  deps: CertificatesDeps,
  input: CertificateRequest,
): Promise<RequestedCertificate> {
  const { type, subject } = validate(input);
  const { enteId, requester } = input;
  // One read of the registry says who the subject is and whether the requester may ask for them. Anyone
  // else, registered here or not, gets the same 403: the answer tells nothing about who lives here.
  const found = await deps.registry.findSubject(enteId, subject);
  if (requester.kind === 'citizen' && !isSelfOrFamily(found, requester.fiscalCode)) {
    await withTenant(deps.db, enteId, (trx) =>
      recordAudit(trx, {
        enteId,
        actor: requester.userId,
        action: 'certificate.request.forbidden',
        targetType: 'certificate',
        requestId: input.requestId ?? null,
        content: { type, reason: 'not self or family' },
      }),
    );
    throw PlatformErrors.forbidden();
  }
  if (!found) throw CertificatesErrors.subjectNotFound();
  const data: SubjectData = found;
  const reason = whyUnavailable(type, data);
  if (reason) throw CertificatesErrors.unavailable(reason);

  const exempt = CERTIFICATE_TYPE_INFO[type].exemptByNature || Boolean(input.exemptionCode);
  // A marca da bollo on a stato-civile certificate (exempt anyway) is not recorded: it stays usable.
  const mark = exempt ? null : input.stampDutyMark || null;
  const now = new Date();
  const payer = exempt || mark ? null : payerOf(input, data, todayInRome(now));
  // The seal is checked first: no one pays for a certificate that cannot be sealed.
  const seal = await enteSeal(deps, enteId);
  const year = romeYear(now);
  const base = {
    ente_id: enteId,
    id: randomUUID(),
    type,
    subject_fiscal_code: subject,
    channel: input.channel,
    requester_user_id: requester.kind === 'citizen' ? requester.userId : null,
    requester_fiscal_code: requester.kind === 'citizen' ? requester.fiscalCode.toUpperCase() : null,
    operator_id: requester.kind === 'operator' ? requester.userId : null,
    exemption_code: input.exemptionCode || null,
    stamp_duty_cents: exempt ? 0 : STAMP_DUTY_CENTS,
    stamp_duty_mark: mark,
  };
  const audit = (trx: Db, action: string, row: { id: string; number: string }) =>
    recordAudit(trx, {
      enteId,
      actor: requester.userId,
      action,
      targetType: 'certificate',
      targetId: row.id,
      requestId: input.requestId ?? null,
      content: {
        number: row.number,
        type,
        channel: input.channel,
        exemption: base.exemption_code,
        // Someone other than the subject named at the counter to pay the notice.
        ...(input.payer && payer ? { payer: payer.fiscalCode } : {}),
      },
    });

  // Nobody to name on a notice (exempt, or a marca da bollo): issued at once.
  if (!payer) {
    if (mark && (await withTenant(deps.db, enteId, (trx) => repo.markUsed(trx, enteId, mark))))
      throw CertificatesErrors.markUsed();
    // The number is reserved first (a failed rendering leaves a gap, never a half-issued certificate).
    const number = formatNumber(
      year,
      await withTenant(deps.db, enteId, (trx) => repo.nextNumber(trx, enteId, year)),
    );
    const row: repo.CertificateRow = {
      ...base,
      number,
      verification_code: verificationCodeOf(enteId, number, subject),
      status: 'issued',
      payment_position_id: null,
      requested_at: now,
      issued_at: now,
      pdf: null,
      pdf_sha256: null,
      revoked_at: null,
      revoked_reason: null,
    };
    const pdf = await render(deps, row, data, seal, now);
    await withTenant(deps.db, enteId, async (trx) => {
      await repo.insertCertificate(trx, { ...row, pdf, pdf_sha256: sha256(pdf) }).catch((error) => {
        // Two operators recording the same marca at once: the unique index refuses the second.
        throw mark && repo.isUniqueViolation(error) ? CertificatesErrors.markUsed() : error;
      });
      await audit(trx as unknown as Db, 'certificate.issue', row);
    });
    return { id: row.id, number, status: 'issued', stampDutyCents: base.stamp_duty_cents, payment: null };
  }

  return withTenant(deps.db, enteId, async (trx) => {
    const number = formatNumber(year, await repo.nextNumber(trx, enteId, year));
    const row = { ...base, number, verification_code: verificationCodeOf(enteId, number, subject) };
    // The position is created first: the certificate row must name it (awaiting payment ⇒ position).
    const created = await createDebtPosition(trx, {
      enteId,
      source: { module: MODULE, ref: row.id },
      debtor: payer,
      itemCode: 'BOLLO',
      description: `Imposta di bollo – ${CERTIFICATE_TYPE_INFO[type].title} n. ${number}`,
      // Bollo virtuale: the €16 go to the ente's own account (no marca da bollo digitale, which @e.bollo
      // binds to the SHA-256 of a document not rendered yet).
      options: [
        {
          transfers: [{ amountCents: STAMP_DUTY_CENTS }],
          amountCents: STAMP_DUTY_CENTS,
          dueDate: new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10),
        },
      ],
      actor: { subject: requester.userId, requestId: input.requestId ?? null },
    });
    await repo.insertCertificate(trx, {
      ...row,
      status: 'awaiting_payment',
      payment_position_id: created.positionId,
      issued_at: null,
      pdf: null,
      pdf_sha256: null,
      revoked_at: null,
      revoked_reason: null,
    });
    await audit(trx as unknown as Db, 'certificate.request', row);
    const option = created.options[0]!;
    return {
      id: row.id,
      number,
      status: 'awaiting_payment' as const,
      stampDutyCents: STAMP_DUTY_CENTS,
      payment: { positionId: created.positionId, noticeNumber: option.noticeNumber, iuv: option.iuv },
    };
  });
}

/** The onPaid('certificates') handler: issues the certificate the paid position was for. Idempotent. */
export async function issuePaidCertificate(deps: CertificatesDeps, event: PaidEvent): Promise<boolean> {
  if (event.source.module !== MODULE) return false;
  const { enteId } = event;
  const row = await withTenant(deps.db, enteId, (trx) => repo.findById(trx, enteId, event.source.ref));
  if (row?.status !== 'awaiting_payment' || row.payment_position_id !== event.positionId) return false;
  const data = await subjectData(deps, enteId, row.subject_fiscal_code);
  const seal = await enteSeal(deps, enteId);
  const issuedAt = new Date();
  const pdf = await render(deps, row, data, seal, issuedAt, event.receipt.noticeNumber);
  return withTenant(deps.db, enteId, async (trx) => {
    const issued = await repo.markIssued(trx, enteId, row.id, { issuedAt, pdf, sha256: sha256(pdf) });
    if (issued) {
      await recordAudit(trx, {
        enteId,
        actor: ACTOR,
        action: 'certificate.issue',
        targetType: 'certificate',
        targetId: row.id,
        content: { number: row.number, type: row.type, receiptId: event.receipt.receiptId },
      });
    }
    return issued;
  });
}

/** A certificate of the ente with its PDF exactly as issued (re-download, verification). */
export const findCertificate = (db: Db, enteId: string, id: string) =>
  withTenant(db, enteId, (trx) => repo.findById(trx, enteId, id));
export const findCertificateByNumber = (db: Db, enteId: string, number: string) =>
  withTenant(db, enteId, (trx) => repo.findByNumber(trx, enteId, number));
