// The public verification of certificates (issue 5, item 7), without HTTP: by number and code (the QR
// link) or by the PDF itself (its seal checked, its SHA-256 matched against the issued bytes). The
// number is unique only within an ente and the link names no ente, so the lookup first reads which enti
// hold that number (or that hash) outside any tenant, then reads each row in its ente's tenant
// transaction; the code, derived from the ente, tells same-numbered certificates apart.
import { createHash } from 'node:crypto';
import { sameKey } from '../../platform/http/api-key.ts';
import { getEnte } from '../tenancy/index.ts';
import type { CertificateType } from './certificate-types.ts';
import type { CertificateRow } from './certificates.repo.ts';
import * as repo from './certificates.repo.ts';
import { type CertificatesDeps, findCertificateByNumber } from './certificates.service.ts';
import { type SealFailure, verifySealedPdf } from './seal/verify.ts';

export const NUMBER_PATTERN = /^CERT-\d{4}-\d{6,}$/;
export const CODE_PATTERN = /^[0-9a-f]{12}$/;
/** The largest PDF the upload accepts (a certificate is a few hundred KB). */
export const MAX_VERIFY_BYTES = 5 * 1024 * 1024;

export type VerifyFailure = 'unknown' | 'wrongCode' | 'revoked' | 'notIssued' | SealFailure;

/** The essential data shown for a certificate: no registry data beyond the subject's name. */
export interface VerifiedCertificate {
  number: string;
  type: CertificateType;
  issuedAt: Date | null;
  comune: string;
  subjectName: string | null;
}

export type Verdict =
  | { valid: true; certificate: VerifiedCertificate }
  | {
      valid: false;
      reason: VerifyFailure;
      /** The revocation's reason, when revoked. */
      revokedReason?: string;
      certificate?: VerifiedCertificate;
    };

export interface VerificationDeps extends CertificatesDeps {
  /** The CA certificates (PEM) a seal must chain to: the installation's test CA in the sandbox. */
  trustedCaPem: () => Promise<string | null>;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function essentials(deps: CertificatesDeps, row: CertificateRow): Promise<VerifiedCertificate> {
  const [{ ente }, person] = await Promise.all([
    getEnte(deps.db, row.ente_id),
    deps.registry.findPerson(row.ente_id, row.subject_fiscal_code).catch(() => null),
  ]);
  return {
    number: row.number,
    type: row.type,
    issuedAt: row.issued_at,
    comune: ente.name,
    subjectName: person ? `${person.givenName} ${person.surname}` : null,
  };
}

async function verdictOf(deps: CertificatesDeps, row: CertificateRow): Promise<Verdict> {
  const certificate = await essentials(deps, row);
  if (row.status === 'revoked')
    return { valid: false, reason: 'revoked', revokedReason: row.revoked_reason ?? '', certificate };
  if (row.status !== 'issued') return { valid: false, reason: 'notIssued' };
  return { valid: true, certificate };
}

/** By number and verification code, as printed under the QR code. */
export async function verifyByCode(deps: CertificatesDeps, number: string, code: string): Promise<Verdict> {
  const wanted = number.trim().toUpperCase();
  const given = code.trim().toLowerCase();
  if (!NUMBER_PATTERN.test(wanted)) return { valid: false, reason: 'unknown' };
  const holders = await repo.entiHolding(deps.db, 'number', wanted);
  if (holders.length === 0) return { valid: false, reason: 'unknown' };
  for (const holder of holders) {
    const row = await findCertificateByNumber(deps.db, holder.ente_id, wanted);
    if (row && CODE_PATTERN.test(given) && sameKey(given, row.verification_code)) return verdictOf(deps, row);
  }
  return { valid: false, reason: 'wrongCode' };
}

/** By the PDF: the seal must verify against the trusted CA and the bytes be exactly those issued. */
export async function verifyByPdf(deps: VerificationDeps, pdf: Buffer): Promise<Verdict> {
  const ca = await deps.trustedCaPem();
  if (!ca) return { valid: false, reason: 'untrusted' };
  const seal = verifySealedPdf(pdf, ca);
  if (!seal.valid) return { valid: false, reason: seal.reason ?? 'malformed' };
  const hash = sha256(pdf);
  for (const holder of await repo.entiHolding(deps.db, 'pdf_sha256', hash)) {
    const row = await findCertificateByNumber(deps.db, holder.ente_id, holder.number);
    if (row?.pdf_sha256 === hash) return verdictOf(deps, row);
  }
  return { valid: false, reason: 'unknown' };
}
