// The rules of an ente's certificate settings, without I/O: what a seal file (PKCS#12) must hold to seal
// certificates, what the seal certificate says of itself, and the stamp-duty authorisation's fields (the
// coat of arms: certificate-settings.emblem.ts). Problems are codes the admin page words
// (certAdmin.error.<code>).
import type { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_ce_keyUsage, KeyUsage } from '@peculiar/asn1-x509';
import { readPkcs12 } from './seal/pkcs12.ts';
import { fingerprintOf } from './seal/verify.ts';

/** A seal file is a few KB: a key and a chain of up to four certificates. */
export const MAX_P12_BYTES = 64 * 1024;

export type SettingsProblem =
  | 'required'
  | 'noFile'
  | 'tooLarge'
  | 'notPkcs12'
  | 'tooManyIterations'
  | 'otherOrganisation'
  | 'wrongPassphrase'
  | 'noKey'
  | 'noCertificate'
  | 'notYetValid'
  | 'expired'
  | 'keyUsage'
  | 'keyType'
  | 'unusable'
  | 'untrustedIssuer'
  | 'office'
  | 'authorisationNumber'
  | 'date'
  | 'futureDate'
  | 'imageFormat'
  | 'imageSize';

export interface Issue {
  field: string;
  problem: SettingsProblem;
}

export interface SealFacts {
  /** The certificate's common name. */
  subject: string;
  organization: string | null;
  /** ETSI EN 319 412-1 organizationIdentifier, e.g. VATIT-00339370272. */
  organizationIdentifier: string | null;
  issuer: string;
  validFrom: Date;
  validTo: Date;
  fingerprint: string;
  certPem: string;
}

/** "CN=…\nO=…" as Node prints a distinguished name, one attribute a line. */
function nameField(name: string, key: string): string | null {
  const prefix = `${key}=`;
  return (
    name
      .split('\n')
      .find((line) => line.startsWith(prefix))
      ?.slice(prefix.length) ?? null
  );
}

export function sealFacts(cert: X509Certificate): SealFacts {
  return {
    subject: nameField(cert.subject, 'CN') ?? cert.subject,
    organization: nameField(cert.subject, 'O'),
    organizationIdentifier: nameField(cert.subject, 'organizationIdentifier'),
    issuer: nameField(cert.issuer, 'CN') ?? cert.issuer,
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    fingerprint: fingerprintOf(cert),
    certPem: cert.toString(),
  };
}

/** SEQUENCE { INTEGER 3, … }: the start of every PFX (RFC 7292), told apart from any other file. */
function looksLikePfx(bytes: Buffer): boolean {
  if (bytes.length < 16 || bytes[0] !== 0x30) return false;
  const first = bytes[1]!;
  const at = first & 0x80 ? 2 + (first & 0x7f) : 2;
  return bytes[at] === 0x02 && bytes[at + 1] === 0x01 && bytes[at + 2] === 0x03;
}

function openProblem(error: unknown): SettingsProblem {
  const message = error instanceof Error ? error.message : '';
  if (/password|MAC could not be verified|decrypt/i.test(message)) return 'wrongPassphrase';
  if (message.includes('key-derivation iterations')) return 'tooManyIterations';
  if (message.includes('without a private key')) return 'noKey';
  if (message.includes('without the certificate')) return 'noCertificate';
  return 'notPkcs12';
}

/** Key usage lets the key sign (digitalSignature or nonRepudiation); no extension means no limit (RFC 5280). */
function maySign(cert: X509Certificate): boolean {
  const extension = AsnConvert.parse(cert.raw, Certificate).tbsCertificate.extensions?.find(
    (e) => e.extnID === id_ce_keyUsage,
  );
  if (!extension) return true;
  try {
    const usage = AsnConvert.parse(extension.extnValue.buffer, KeyUsage).toJSON();
    return usage.includes('digitalSignature') || usage.includes('nonRepudiation');
  } catch {
    return false;
  }
}

/** RSA of at least 2048 bits, or EC on P-256 or P-384. */
export function strongKey(cert: X509Certificate): boolean {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return (details.modulusLength ?? 0) >= 2048;
  if (key.asymmetricKeyType === 'ec') return ['prime256v1', 'secp384r1'].includes(details.namedCurve ?? '');
  return false;
}

/** What is wrong with the seal certificate now, if anything. */
export function certificateProblem(cert: X509Certificate, now: Date): SettingsProblem | null {
  if (now < new Date(cert.validFrom)) return 'notYetValid';
  if (now > new Date(cert.validTo)) return 'expired';
  if (!maySign(cert)) return 'keyUsage';
  if (!strongKey(cert)) return 'keyType';
  return null;
}

/** Opens an uploaded seal file and checks it; nothing here is stored. */
export function inspectSealFile(
  p12: Buffer | null,
  passphrase: string,
  now = new Date(),
): { facts: SealFacts } | { issues: Issue[] } {
  const issues: Issue[] = [];
  const fail = (field: string, problem: SettingsProblem) => ({ issues: [...issues, { field, problem }] });
  if (!p12 || p12.length === 0) issues.push({ field: 'p12', problem: 'noFile' });
  else if (p12.length > MAX_P12_BYTES) issues.push({ field: 'p12', problem: 'tooLarge' });
  else if (!looksLikePfx(p12)) issues.push({ field: 'p12', problem: 'notPkcs12' });
  if (!passphrase) issues.push({ field: 'passphrase', problem: 'required' });
  if (!p12 || issues.length > 0) return { issues };
  let signer: X509Certificate;
  try {
    signer = readPkcs12(p12, passphrase).chain[0]!;
  } catch (error) {
    const problem = openProblem(error);
    return fail(problem === 'wrongPassphrase' ? 'passphrase' : 'p12', problem);
  }
  const problem = certificateProblem(signer, now);
  return problem ? fail('p12', problem) : { facts: sealFacts(signer) };
}

export interface StampAuthorisation {
  /** The Agenzia delle Entrate office, as it follows "Ufficio di". */
  office: string;
  number: string;
  /** yyyy-mm-dd */
  date: string;
}

/** dd/mm/yyyy or yyyy-mm-dd (a date input) into yyyy-mm-dd, when it is a real date. */
function isoDate(text: string): string | null {
  const it = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const iso = it ? `${it[3]}-${it[2]!.padStart(2, '0')}-${it[1]!.padStart(2, '0')}` : text;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null;
}

/** Trims what was typed and checks it; `today` is yyyy-mm-dd in Italy. */
export function checkStampAuthorisation(
  raw: StampAuthorisation,
  today: string,
): { value: StampAuthorisation; issues: Issue[] } {
  const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
  const value = {
    office: squash(raw.office ?? '').replace(/^ufficio di\s+/i, ''),
    number: squash(raw.number ?? '').replace(/^n\.?\s*/i, ''),
    date: squash(raw.date ?? ''),
  };
  const issues: Issue[] = [];
  if (!value.office) issues.push({ field: 'office', problem: 'required' });
  else if (!/^[\p{L}\p{M}0-9 '’.,()/-]{2,80}$/u.test(value.office))
    issues.push({ field: 'office', problem: 'office' });
  if (!value.number) issues.push({ field: 'number', problem: 'required' });
  else if (!/^[A-Za-z0-9][A-Za-z0-9/. -]{0,39}$/.test(value.number))
    issues.push({ field: 'number', problem: 'authorisationNumber' });
  const date = isoDate(value.date);
  if (!value.date) issues.push({ field: 'date', problem: 'required' });
  else if (!date || date < '1973-01-01') issues.push({ field: 'date', problem: 'date' });
  else if (date > today) issues.push({ field: 'date', problem: 'futureDate' });
  return { value: { ...value, date: date ?? value.date }, issues };
}

/** "Autorizzazione Agenzia delle Entrate, Ufficio di Venezia, n. 2020/123 del 15/03/2020". */
export function stampAuthorisationText(a: StampAuthorisation): string {
  const [y, m, d] = a.date.split('-');
  return `Autorizzazione Agenzia delle Entrate, Ufficio di ${a.office}, n. ${a.number} del ${d}/${m}/${y}`;
}
