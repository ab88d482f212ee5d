// Test support for the certificate settings: seal files that are wrong in one way (expired, not yet
// valid, a key usage that cannot sign, a weak key), made by re-issuing a test seal's certificate from
// its test CA with that one change. Synthetic keys and names only, every name says TEST.
import { generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Certificate,
  Extension,
  Extensions,
  id_ce_keyUsage,
  KeyUsage,
  SubjectPublicKeyInfo,
  Validity,
} from '@peculiar/asn1-x509';
import { readPkcs12, writePkcs12 } from './seal/pkcs12.ts';
import type { TestCa } from './seal/test-ca.ts';

export interface SealChange {
  notBefore?: Date;
  notAfter?: Date;
  /** KeyUsageFlags bits, e.g. KeyUsageFlags.keyEncipherment. */
  keyUsage?: number;
  /** A new RSA key of this size. */
  rsaBits?: number;
  /** A new EC key on this curve (Node's name, e.g. prime256v1). */
  ecCurve?: string;
}

const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;

/** The certificate of the seal `base` (a PKCS#12 from issueTestSeal) re-issued by `ca` with `change`. */
export function reissued(
  ca: TestCa,
  base: { p12: Buffer; certPem: string },
  passphrase: string,
  change: SealChange,
): { key: KeyObject; certPem: string } {
  let key: KeyObject = readPkcs12(base.p12, passphrase).key;
  const tbs = AsnConvert.parse(new X509Certificate(base.certPem).raw, Certificate).tbsCertificate;
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  tbs.serialNumber = new Uint8Array(serial).buffer;
  if (change.rsaBits || change.ecCurve) {
    const pair = change.ecCurve
      ? generateKeyPairSync('ec', { namedCurve: change.ecCurve })
      : generateKeyPairSync('rsa', { modulusLength: change.rsaBits! });
    const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
    tbs.subjectPublicKeyInfo = AsnConvert.parse(spki, SubjectPublicKeyInfo);
    key = pair.privateKey;
  }
  if (change.notBefore || change.notAfter) {
    tbs.validity = new Validity({
      notBefore: change.notBefore ?? tbs.validity.notBefore.getTime(),
      notAfter: change.notAfter ?? tbs.validity.notAfter.getTime(),
    });
  }
  if (change.keyUsage !== undefined) {
    const usage = new OctetString(AsnConvert.serialize(new KeyUsage(change.keyUsage)));
    tbs.extensions = new Extensions(
      (tbs.extensions ?? []).map((e) =>
        e.extnID === id_ce_keyUsage
          ? new Extension({ extnID: e.extnID, critical: true, extnValue: usage })
          : e,
      ),
    );
  }
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), ca.key);
  const cert = AsnConvert.parse(new X509Certificate(base.certPem).raw, Certificate);
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: cert.signatureAlgorithm,
    signatureValue: new Uint8Array(signature).buffer,
  });
  return { key, certPem: pem(Buffer.from(AsnConvert.serialize(certificate))) };
}

/** The same as a PKCS#12. */
export function variantSeal(
  ca: TestCa,
  base: { p12: Buffer; certPem: string },
  passphrase: string,
  change: SealChange,
): { p12: Buffer; certPem: string } {
  const { key, certPem } = reissued(ca, base, passphrase, change);
  return { p12: writePkcs12(key, [certPem, ca.certPem], passphrase, 'TEST variante'), certPem };
}

export const days = (n: number) => new Date(Date.now() + n * 86_400_000);
