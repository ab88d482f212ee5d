// The ente's certificate settings (issue 5, item 6): its electronic seal (a PKCS#12 uploaded by an
// administrator replaces the test seal for new certificates; every seal certificate stays in the history
// the verification pins to), the stamp-duty authorisation printed on paid certificates, and the coat of
// arms. Each change is audited in its transaction, without secrets. No HTTP here.
import { createHash, type X509Certificate } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.ts';
import { TtlCache } from '../../platform/cache.ts';
import { todayInRome } from '../../platform/dates.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { TaggedPdf } from '../../platform/pdf/pdf-document.ts';
import { seal } from '../../platform/seal.ts';
import { getEnte } from '../tenancy/index.ts';
import { forgetEnteSeal } from './certificate-seal.ts';
import { type EmblemFacts, type EmblemType, inspectEmblem } from './certificate-settings.emblem.ts';
import * as repo from './certificate-settings.repo.ts';
import {
  checkStampAuthorisation,
  type Issue,
  inspectSealFile,
  type SealFacts,
  type StampAuthorisation,
  sealFacts,
} from './certificate-settings.rules.ts';
import { sealPdf } from './seal/pades.ts';
import { pemCertificates, verifySealedPdf } from './seal/verify.ts';

export interface Actor {
  subject: string;
  requestId?: string | null;
}

/** What issuing needs: the authorisation for the stamp-duty line and the coat of arms. */
export interface CertificateSettings {
  stampAuthorisation: StampAuthorisation | null;
  emblem: { bytes: Buffer; type: EmblemType } | null;
}

/** What issuing reads for each certificate: the ente's name and its settings, cached for 30 s per process. */
export interface IssuingContext {
  enteName: string;
  settings: CertificateSettings;
}
const forIssuing = new TtlCache<IssuingContext>(30_000, 1_000);
export const issuingContext = (db: Db, enteId: string): Promise<IssuingContext> =>
  forIssuing.through(enteId, async () => {
    const [{ ente }, settings] = await Promise.all([getEnte(db, enteId), certificateSettings(db, enteId)]);
    return { enteName: ente.name, settings };
  });

export type Outcome<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export async function certificateSettings(db: Db, enteId: string): Promise<CertificateSettings> {
  const row = await withTenant(db, enteId, (trx) => repo.findSettings(trx, enteId));
  const authorised = row?.stamp_office && row.stamp_authorisation_number && row.stamp_authorisation_date;
  return {
    stampAuthorisation: authorised
      ? {
          office: row.stamp_office!,
          number: row.stamp_authorisation_number!,
          date: row.stamp_authorisation_date!,
        }
      : null,
    emblem: row?.emblem && row.emblem_type ? { bytes: row.emblem, type: row.emblem_type } : null,
  };
}

export interface SealInUse extends SealFacts {
  kind: 'test' | 'configured';
  inUseFrom: Date;
  inUseTo: Date | null;
}

/** The ente's seal certificates, the one in use first (none before the first certificate in the demo). */
export async function sealHistory(db: Db, enteId: string): Promise<SealInUse[]> {
  const rows = await withTenant(db, enteId, (trx) => repo.sealHistory(trx, enteId));
  return rows.map((row) => ({
    ...sealFacts(pemCertificates(row.cert_pem)[0]!),
    kind: row.kind,
    inUseFrom: row.in_use_from,
    inUseTo: row.in_use_to,
  }));
}

const audit = (trx: Db, actor: Actor, enteId: string, action: string, content: Record<string, unknown>) =>
  recordAudit(trx, {
    enteId,
    actor: actor.subject,
    action,
    targetType: 'certificate_settings',
    targetId: enteId,
    requestId: actor.requestId ?? null,
    content,
  });

let probe: Promise<Buffer> | undefined;
/** A one-line tagged PDF a new seal signs before it is accepted. */
const probePdf = () => {
  probe ??= (() => {
    const pdf = new TaggedPdf({ lang: 'it', title: 'Prova del sigillo elettronico' });
    pdf.paragraph('Prova del sigillo elettronico', 40, 60, 500);
    return pdf.finish();
  })();
  return probe;
};

/**
 * Checks an uploaded seal, signs a probe document with it and verifies that (so a seal the signer cannot
 * use, or one not chaining to the configured trust anchors, is refused here rather than on a citizen's
 * certificate), then stores it as the ente's seal (kind 'configured').
 */
export async function configureSeal(
  deps: { db: Db; sealKey: string; trustAnchors: readonly X509Certificate[] },
  actor: Actor,
  enteId: string,
  upload: { p12: Buffer | null; passphrase: string },
): Promise<Outcome<SealFacts>> {
  const inspected = inspectSealFile(upload.p12, upload.passphrase);
  if ('issues' in inspected) return { ok: false, issues: inspected.issues };
  const facts = inspected.facts;
  // A seal names its organisation (ETSI EN 319 412-1): it must be this ente, by its fiscal code.
  const { ente } = await getEnte(deps.db, enteId);
  const ours = ente.fiscalCode ? [`VATIT-${ente.fiscalCode}`, `CF:IT-${ente.fiscalCode}`] : null;
  if (ours && !ours.includes(facts.organizationIdentifier ?? ''))
    return { ok: false, issues: [{ field: 'p12', problem: 'otherOrganisation' }] };
  const p12 = upload.p12!;
  const sealed = await sealPdf(
    await probePdf(),
    { p12, passphrase: upload.passphrase },
    { reason: 'Prova', location: 'Prova', name: facts.subject },
  ).catch(() => null);
  const pinned = new Set([facts.fingerprint]);
  if (!sealed || !verifySealedPdf(sealed, { anchors: [], pinned }).valid)
    return { ok: false, issues: [{ field: 'p12', problem: 'unusable' }] };
  if (deps.trustAnchors.length > 0 && !verifySealedPdf(sealed, { anchors: deps.trustAnchors }).valid)
    return { ok: false, issues: [{ field: 'p12', problem: 'untrustedIssuer' }] };
  await withTenant(deps.db, enteId, async (trx) => {
    const before = (await repo.sealHistory(trx, enteId)).find((row) => row.in_use_to === null);
    await repo.replaceSeal(trx, {
      ente_id: enteId,
      kind: 'configured',
      p12_sealed: seal(p12.toString('base64'), deps.sealKey),
      passphrase_sealed: seal(upload.passphrase, deps.sealKey),
      cert_pem: facts.certPem,
    });
    const { fingerprint, certPem } = facts;
    await repo.recordSealInUse(
      trx,
      { ente_id: enteId, fingerprint, kind: 'configured', cert_pem: certPem },
      true,
    );
    // The certificate is public; the file and its passphrase never reach the audit log.
    await audit(trx as unknown as Db, actor, enteId, 'certificate.seal.configure', {
      fingerprint: facts.fingerprint,
      subject: facts.subject,
      organization_identifier: facts.organizationIdentifier,
      issuer: facts.issuer,
      valid_to: facts.validTo.toISOString(),
      replaced: before && before.fingerprint !== facts.fingerprint ? before.fingerprint : null,
    });
  });
  forgetEnteSeal(enteId);
  return { ok: true, value: facts };
}

/** Applies a settings change in the ente's tenant transaction, then forgets this process's cached copy. */
async function change(db: Db, enteId: string, apply: (trx: Db) => Promise<void>): Promise<void> {
  await withTenant(db, enteId, (trx) => apply(trx as unknown as Db));
  forIssuing.clear();
}

export async function saveStampAuthorisation(
  db: Db,
  actor: Actor,
  enteId: string,
  raw: StampAuthorisation,
): Promise<Outcome<StampAuthorisation>> {
  const today = todayInRome();
  const { value, issues } = checkStampAuthorisation(raw, today);
  if (issues.length > 0) return { ok: false, issues };
  await change(db, enteId, async (trx) => {
    await repo.updateSettings(trx, enteId, {
      stamp_office: value.office,
      stamp_authorisation_number: value.number,
      stamp_authorisation_date: value.date,
    });
    await audit(trx, actor, enteId, 'certificate.stamp_authorisation.update', { ...value });
  });
  return { ok: true, value };
}

export async function removeStampAuthorisation(db: Db, actor: Actor, enteId: string): Promise<void> {
  await change(db, enteId, async (trx) => {
    const none = { stamp_office: null, stamp_authorisation_number: null, stamp_authorisation_date: null };
    await repo.updateSettings(trx, enteId, none);
    await audit(trx, actor, enteId, 'certificate.stamp_authorisation.remove', {});
  });
}

/** Checks the image, embeds it in a probe PDF (what issuing will do), then stores it. */
export async function saveEmblem(
  db: Db,
  actor: Actor,
  enteId: string,
  bytes: Buffer | null,
): Promise<Outcome<EmblemFacts>> {
  const facts = inspectEmblem(bytes);
  if ('issues' in facts) return { ok: false, issues: facts.issues };
  const image = bytes!;
  try {
    const pdf = new TaggedPdf({ lang: 'it', title: 'Prova dello stemma' });
    pdf.figure('Stemma', 40, 40, 44, 44, () => pdf.doc.image(image, 40, 40, { fit: [44, 44] }));
    await pdf.finish();
  } catch {
    return { ok: false, issues: [{ field: 'emblem', problem: 'imageFormat' }] };
  }
  await change(db, enteId, async (trx) => {
    await repo.updateSettings(trx, enteId, { emblem: image, emblem_type: facts.type });
    await audit(trx, actor, enteId, 'certificate.emblem.update', {
      ...facts,
      bytes: image.length,
      sha256: createHash('sha256').update(image).digest('hex'),
    });
  });
  return { ok: true, value: facts };
}

export async function removeEmblem(db: Db, actor: Actor, enteId: string): Promise<void> {
  await change(db, enteId, async (trx) => {
    await repo.updateSettings(trx, enteId, { emblem: null, emblem_type: null });
    await audit(trx, actor, enteId, 'certificate.emblem.remove', {});
  });
}
