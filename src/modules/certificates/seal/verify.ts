// In-process check of a sealed PDF for the public verification page: the last signature must cover the
// whole file but its own Contents, its message digest must match those bytes, its CMS signature must
// verify with the signer certificate (with an algorithm of that key's type), and that certificate must
// be trusted: one of the pinned certificates (an ente's seal history) and/or chaining to a trust anchor.
// Never throws on the PDF: anything unreadable is "malformed". Revocation is not checked (no CRL/OCSP yet).
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
  | 'untrusted' // the certificate is not pinned, or does not chain to a trust anchor
  | 'expired'; // the certificate was not valid at the signing time

export interface SealVerification {
  valid: boolean;
  reason?: SealFailure;
  /** The signer certificate's common name. */
  signer?: string;
  /** SHA-256 of the signer certificate (DER), lowercase hex. */
  fingerprint?: string;
  /** The claimed signing time (/M of the signature dictionary). */
  signedAt?: Date;
}

/** Whom to trust. A signer must meet both parts that are given; with neither, nothing is trusted. */
export interface SealTrust {
  /** CA certificates the signer must chain to (through the CMS's certificates); empty: no chain needed. */
  anchors: readonly X509Certificate[];
  /** Fingerprints (as `fingerprintOf`) of the only signer certificates accepted; absent: any. */
  pinned?: ReadonlySet<string>;
}

const HASHES: Record<string, string> = {
  [OIDS.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** The key type each CMS signature algorithm needs (a mislabelled signature fails other verifiers). */
const SIGNATURE_KEY_TYPES: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsa', // rsaEncryption
  [OIDS.sha256WithRsa]: 'rsa',
  '1.2.840.113549.1.1.12': 'rsa', // sha384WithRSAEncryption
  '1.2.840.113549.1.1.13': 'rsa', // sha512WithRSAEncryption
  [OIDS.ecdsaWithSha256]: 'ec',
  '1.2.840.10045.4.3.3': 'ec',
  '1.2.840.10045.4.3.4': 'ec',
};

export const fingerprintOf = (cert: X509Certificate) => createHash('sha256').update(cert.raw).digest('hex');

/** Every certificate of a PEM bundle, in order; throws on a bundle without any or with a broken one. */
export function pemCertificates(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate found');
  return blocks.map((block) => new X509Certificate(block));
}

class Failure extends Error {
  constructor(readonly reason: SealFailure) {
    super(reason);
  }
}
function expect(condition: unknown, reason: SealFailure): asserts condition {
  if (!condition) throw new Failure(reason);
}

/**
 * `trust` is configuration (a CA's PEM, or anchors and pinned certificates): a bad one throws. The PDF is
 * input: it never makes this throw.
 */
export function verifySealedPdf(pdf: Buffer, trust: string | SealTrust): SealVerification {
  const resolved = typeof trust === 'string' ? { anchors: pemCertificates(trust) } : trust;
  const found: Omit<SealVerification, 'valid'> = {};
  try {
    check(pdf, resolved, found);
    return { valid: true, ...found };
  } catch (error) {
    return { valid: false, reason: error instanceof Failure ? error.reason : 'malformed', ...found };
  }
}

/** The fingerprint of the last signature's signer certificate, read without checking anything. */
export function sealSignerFingerprint(pdf: Buffer): string | undefined {
  try {
    return fingerprintOf(readSeal(pdf, {}).signer);
  } catch {
    return undefined;
  }
}

interface ReadSeal {
  signed: Buffer[];
  signerInfo: SignerInfo & { signedAttrs: NonNullable<SignerInfo['signedAttrs']> };
  certs: X509Certificate[];
  signer: X509Certificate;
}

function readSeal(pdf: Buffer, found: Omit<SealVerification, 'valid'>): ReadSeal {
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
  found.fingerprint = fingerprintOf(signer);
  return {
    signed: [pdf.subarray(a, a + b), pdf.subarray(c, c + d)],
    signerInfo: signerInfo as ReadSeal['signerInfo'],
    certs,
    signer,
  };
}

function check(pdf: Buffer, trust: SealTrust, found: Omit<SealVerification, 'valid'>): void {
  const { signed, signerInfo, certs, signer } = readSeal(pdf, found);
  const hash = HASHES[signerInfo.digestAlgorithm.algorithm];
  expect(hash, 'malformed');
  const digest = createHash(hash).update(signed[0]!).update(signed[1]!).digest();
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
  const keyType = SIGNATURE_KEY_TYPES[signerInfo.signatureAlgorithm.algorithm];
  expect(keyType && keyType === signer.publicKey.asymmetricKeyType, 'signature');
  expect(verifySignature(hash, toVerify, signer.publicKey, signature), 'signature');
  // signing-certificate-v2 binds the signature to this certificate (no substitution).
  const essCert = attribute(signerInfo, OIDS.signingCertificateV2);
  const certHash = createHash('sha256').update(signer.raw).digest();
  expect(essCert && Buffer.from(essCert).includes(certHash), 'signature');

  expect(trust.anchors.length > 0 || trust.pinned, 'untrusted');
  expect(!trust.pinned || trust.pinned.has(fingerprintOf(signer)), 'untrusted');
  const anchor = trust.anchors.length > 0 ? trust.anchors.find((ca) => chainsTo(signer, certs, ca)) : null;
  expect(anchor !== undefined, 'untrusted');
  const at = found.signedAt ?? new Date();
  for (const cert of anchor ? [signer, anchor] : [signer]) {
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
