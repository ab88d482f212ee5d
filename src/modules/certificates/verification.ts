// The public verification of certificates (issue 5, item 7), without HTTP: by number and code (the QR
// link) or by the PDF itself (its seal checked, its SHA-256 matched against the issued bytes). The
// number is unique only within an ente and the link names no ente, so the lookup first reads which enti
// hold that number (or that hash) outside any tenant, then reads each row in its ente's tenant
// transaction; the code, derived from the ente, tells same-numbered certificates apart. A PDF's seal is
// trusted when its signer certificate is one the ente has had (its seal history: test or configured, so
// certificates sealed before a seal was replaced still verify) and, when the installation configures trust
// anchors (CERTIFICATES_TRUST_ANCHORS_FILE: the QTSPs' CA certificates), when it chains to one of them.
import { createHash, type X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sameKey } from '../../platform/http/api-key.ts';
import { getEnte } from '../tenancy/index.ts';
import { entiSealedWith } from './certificate-settings.repo.ts';
import type { CertificateType } from './certificate-types.ts';
import type { CertificateRow } from './certificates.repo.ts';
import * as repo from './certificates.repo.ts';
import { type CertificatesDeps, findCertificateByNumber } from './certificates.service.ts';
import { pemCertificates, type SealFailure, sealSignerFingerprint, verifySealedPdf } from './seal/verify.ts';

export const NUMBER_PATTERN = /^CERT-\d{4}-\d{6,}$/;
export const CODE_PATTERN = /^[0-9a-f]{12}$/;

/** A code as a person types it from paper: spaces and hyphens between its groups, either case. */
export const normaliseCode = (code: string) => code.replace(/[\s-]/g, '').toLowerCase();
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
  /** CA certificates every seal must also chain to; empty: the enti's seal histories alone. */
  trustAnchors: readonly X509Certificate[];
}

/** The trust anchors of a PEM bundle file, read once at start: a missing or broken file stops the start. */
export async function loadTrustAnchors(file: string | null | undefined): Promise<X509Certificate[]> {
  if (!file) return [];
  try {
    return pemCertificates(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `CERTIFICATES_TRUST_ANCHORS_FILE ${file} is not a readable PEM bundle of CA certificates: ${(error as Error).message}`,
    );
  }
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

/** By number and verification code, as printed next to the QR code. */
export async function verifyByCode(deps: CertificatesDeps, number: string, code: string): Promise<Verdict> {
  const wanted = number.trim().toUpperCase();
  const given = normaliseCode(code);
  if (!NUMBER_PATTERN.test(wanted)) return { valid: false, reason: 'unknown' };
  const holders = await repo.entiHolding(deps.db, 'number', wanted);
  if (holders.length === 0) return { valid: false, reason: 'unknown' };
  for (const holder of holders) {
    const row = await findCertificateByNumber(deps.db, holder.ente_id, wanted);
    if (row && CODE_PATTERN.test(given) && sameKey(given, row.verification_code)) return verdictOf(deps, row);
  }
  return { valid: false, reason: 'wrongCode' };
}

/**
 * By the PDF: the seal must verify, its signer be a seal certificate of the ente that issued exactly these
 * bytes (and chain to a trust anchor when some are configured).
 */
export async function verifyByPdf(deps: VerificationDeps, pdf: Buffer): Promise<Verdict> {
  const signer = sealSignerFingerprint(pdf);
  const sealedBy = signer ? await entiSealedWith(deps.db, signer) : [];
  const pinned = new Set(signer && sealedBy.length > 0 ? [signer] : []);
  const seal = verifySealedPdf(pdf, { anchors: deps.trustAnchors, pinned });
  if (!seal.valid) return { valid: false, reason: seal.reason ?? 'malformed' };
  const hash = sha256(pdf);
  const holders = await repo.entiHolding(deps.db, 'pdf_sha256', hash);
  for (const holder of holders) {
    // Pinned per ente: another ente's seal does not vouch for this ente's certificate.
    if (!sealedBy.includes(holder.ente_id)) continue;
    const row = await findCertificateByNumber(deps.db, holder.ente_id, holder.number);
    if (row?.pdf_sha256 === hash) return verdictOf(deps, row);
  }
  return { valid: false, reason: holders.length > 0 ? 'untrusted' : 'unknown' };
}
