// In-process check of a sealed PDF for the public verification page: the last signature must cover the
// whole file but its own Contents, its message digest must match those bytes, its CMS signature must
// verify with the signer certificate, and that certificate must chain to the trusted CA. Never throws on
// the PDF: anything unreadable is "malformed". Revocation is not checked (no CRL/OCSP yet).
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { der, OIDS } from './cades.ts';

export type SealFailure =
  | 'malformed' // not a PDF signature we can read
  | 'unsigned' // no signature at all
  | 'byte-range' // the signature does not cover the whole file (bytes added or moved)
  | 'digest' // the signed bytes were changed
  | 'signature' // the CMS signature does not verify with its certificate
  | 'untrusted' // the certificate does not chain to the trusted CA
  | 'expired'; // the certificate was not valid at the signing time

export interface SealVerification {
  valid: boolean;
  reason?: SealFailure;
  /** The signer certificate's common name. */
  signer?: string;
  /** The claimed signing time (/M of the signature dictionary). */
  signedAt?: Date;
}

const HASHES: Record<string, string> = {
  [OIDS.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

class Failure extends Error {
  constructor(readonly reason: SealFailure) {
    super(reason);
  }
}
function expect(condition: unknown, reason: SealFailure): asserts condition {
  if (!condition) throw new Failure(reason);
}

/** `trustedCaPem` is configuration: a bad one throws. The PDF is input: it never makes this throw. */
export function verifySealedPdf(pdf: Buffer, trustedCaPem: string): SealVerification {
  const ca = new X509Certificate(trustedCaPem);
  const found: Omit<SealVerification, 'valid'> = {};
  try {
    check(pdf, ca, found);
    return { valid: true, ...found };
  } catch (error) {
    return { valid: false, reason: error instanceof Failure ? error.reason : 'malformed', ...found };
  }
}

function check(pdf: Buffer, ca: X509Certificate, found: Omit<SealVerification, 'valid'>): void {
  const text = pdf.toString('latin1');
  const ranges = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = ranges.at(-1);
  expect(last, 'unsigned');
  const [a, b, c, d] = last.slice(1, 5).map(Number) as [number, number, number, number];
  const hex = text.slice(b + 1, c - 1);
  expect(a === 0 && b > 0 && c > b + 1 && c + d === pdf.length, 'byte-range');
  expect(text[b] === '<' && text[c - 1] === '>' && /^[0-9a-fA-F]+$/.test(hex), 'byte-range');
  found.signedAt = signingTime(text, last.index);

  const cms = AsnConvert.parse(Buffer.from(hex, 'hex'), ContentInfo);
  expect(cms.contentType === OIDS.signedData, 'malformed');
  const signed = AsnConvert.parse(cms.content, SignedData);
  const signerInfo = signed.signerInfos[0];
  expect(signerInfo?.signedAttrs && signed.certificates, 'malformed');
  const certs = signed.certificates
    .filter((choice) => choice.certificate)
    .map((choice) => new X509Certificate(Buffer.from(AsnConvert.serialize(choice.certificate))));
  const signer = signerCertificate(signerInfo, certs);
  found.signer = /^CN=(.*)$/m.exec(signer.subject)?.[1];

  const hash = HASHES[signerInfo.digestAlgorithm.algorithm];
  expect(hash, 'malformed');
  const digest = createHash(hash)
    .update(pdf.subarray(a, a + b))
    .update(pdf.subarray(c, c + d))
    .digest();
  const claimed = attribute(signerInfo, OIDS.messageDigest);
  expect(claimed, 'malformed');
  expect(Buffer.from(AsnConvert.parse(claimed, OctetString).buffer).equals(digest), 'digest');

  // The signature covers the signed attributes as a DER SET, re-encoded in the order received (a DER
  // signer sent them sorted; the values are kept as received bytes).
  const toVerify = der(
    0x31,
    Buffer.concat(signerInfo.signedAttrs.map((attr) => Buffer.from(AsnConvert.serialize(attr)))),
  );
  const signature = Buffer.from(signerInfo.signature.buffer);
  expect(verifySignature(hash, toVerify, signer.publicKey, signature), 'signature');
  // signing-certificate-v2 binds the signature to this certificate (no substitution).
  const essCert = attribute(signerInfo, OIDS.signingCertificateV2);
  const certHash = createHash('sha256').update(signer.raw).digest();
  expect(essCert && Buffer.from(essCert).includes(certHash), 'signature');

  expect(chainsTo(signer, certs, ca), 'untrusted');
  const at = found.signedAt ?? new Date();
  for (const cert of [signer, ca]) {
    expect(new Date(cert.validFrom) <= at && at <= new Date(cert.validTo), 'expired');
  }
}

function attribute(signerInfo: SignerInfo, oid: string): ArrayBuffer | undefined {
  return signerInfo.signedAttrs?.find((attr) => attr.attrType === oid)?.attrValues[0];
}

function signerCertificate(signerInfo: SignerInfo, certs: X509Certificate[]): X509Certificate {
  const serial = signerInfo.sid.issuerAndSerialNumber?.serialNumber;
  expect(serial, 'malformed');
  const wanted = BigInt(`0x${Buffer.from(serial).toString('hex') || '0'}`);
  const cert = certs.find((x) => BigInt(`0x${x.serialNumber}`) === wanted);
  expect(cert, 'malformed');
  return cert;
}

/** Up to three intermediates from the CMS certificates between the signer and the trusted CA. */
function chainsTo(cert: X509Certificate, pool: X509Certificate[], ca: X509Certificate): boolean {
  let current = cert;
  for (let depth = 0; depth < 4; depth++) {
    if (current.checkIssued(ca) && current.verify(ca.publicKey)) return true;
    const next = pool.find((x) => x !== current && current.checkIssued(x) && current.verify(x.publicKey));
    if (!next?.ca) return false;
    current = next;
  }
  return false;
}

/** /M (D:YYYYMMDDHHmmSS+HH'mm') of the signature dictionary holding the ByteRange at `at`. */
function signingTime(text: string, at: number): Date | undefined {
  const start = text.lastIndexOf(' obj', at);
  const end = text.indexOf('endobj', at);
  const m = /\/M\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-])?(\d{2})?'?(\d{2})?'?\)/.exec(
    text.slice(start, end),
  );
  if (!m) return undefined;
  const [, y, mo, dd, hh, mi, ss, sign, oh, om] = m;
  const offset = sign === '+' || sign === '-' ? `${sign}${oh ?? '00'}:${om ?? '00'}` : 'Z';
  const date = new Date(`${y}-${mo}-${dd}T${hh}:${mi}:${ss}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
