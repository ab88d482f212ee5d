// A test certification authority and per-ente seal certificates, for the demo and the tests only: every
// name says TEST, so no one can mistake a test seal for an ente's qualified seal. Production loads the
// ente's own PKCS#12 (docs/adr/0010-electronic-seal.md).
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { writePkcs12 } from './pkcs12.ts';

export interface TestCa {
  certPem: string;
  key: KeyObject;
  name: Name;
  keyId: Buffer;
}

export interface SealSubject {
  /** The ente's name, e.g. "Comune di Jesolo". */
  enteName: string;
  /** Partita IVA (organizationIdentifier VATIT-…) or, without one, the codice fiscale (CF:IT-…). */
  vatNumber?: string;
  fiscalCode?: string;
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3', orgId: '2.5.4.97' };

const extension = (extnID: string, critical: boolean, value: unknown) =>
  new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

function name(entries: Array<[string, string]>): Name {
  return new Name(
    entries.map(
      ([type, text]) =>
        new RelativeDistinguishedName([
          new AttributeTypeAndValue({
            type,
            value:
              type === OID.C
                ? new AttributeValue({ printableString: text })
                : new AttributeValue({ utf8String: text }),
          }),
        ]),
    ),
  );
}

const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;

/**
 * The CA's key is RSA 3072; a seal's is ECDSA P-256, as ETSI TS 119 312 allows for seals: the same
 * strength as RSA 3072, and a signature in 0.02 ms instead of 1.4 (one per certificate).
 */
function newKey(kind: 'ca' | 'seal'): { privateKey: KeyObject; spki: SubjectPublicKeyInfo; keyId: Buffer } {
  const { privateKey, publicKey } =
    kind === 'ca'
      ? generateKeyPairSync('rsa', { modulusLength: 3072 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const keyId = createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
  return { privateKey, spki, keyId };
}

function certificate(o: {
  issuer: Name;
  issuerKey: KeyObject;
  subject: Name;
  spki: SubjectPublicKeyInfo;
  years: number;
  extensions: Extension[];
}): string {
  // A few minutes back, so a certificate made now is valid on a machine whose clock is slightly behind.
  const notBefore = new Date(Date.now() - 5 * 60_000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + o.years);
  const algorithm = new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null });
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: algorithm,
    issuer: o.issuer,
    validity: new Validity({ notBefore, notAfter }),
    subject: o.subject,
    subjectPublicKeyInfo: o.spki,
    extensions: new Extensions(o.extensions),
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), o.issuerKey);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: new Uint8Array(signature).buffer,
  });
  return pem(Buffer.from(AsnConvert.serialize(cert)));
}

/** A new self-signed test root CA (RSA 3072, 10 years). */
export function createTestCa(label = 'Convergenza'): TestCa {
  const { privateKey, spki, keyId } = newKey('ca');
  const caName = name([
    [OID.C, 'IT'],
    [OID.O, `${label} TEST`],
    [OID.OU, 'TEST - solo per prove, senza valore legale'],
    [OID.CN, `${label} TEST CA per sigilli elettronici`],
  ]);
  const certPem = certificate({
    issuer: caName,
    issuerKey: privateKey,
    subject: caName,
    spki,
    years: 10,
    extensions: [
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
    ],
  });
  return { certPem, key: privateKey, name: caName, keyId };
}

/** organizationIdentifier as ETSI EN 319 412-1 §5.1.4 writes it. */
export function organizationIdentifier(subject: SealSubject): string {
  if (subject.vatNumber) return `VATIT-${subject.vatNumber}`;
  if (subject.fiscalCode) return `CF:IT-${subject.fiscalCode}`;
  throw new Error('A seal subject needs a VAT number or a fiscal code');
}

/** A seal certificate for one ente (ECDSA P-256), issued by the test CA, as PKCS#12 (key + certificate + CA). */
export function issueTestSeal(
  ca: TestCa,
  subject: SealSubject,
  passphrase: string,
): { p12: Buffer; certPem: string } {
  const { privateKey, spki, keyId } = newKey('seal');
  const certPem = certificate({
    issuer: ca.name,
    issuerKey: ca.key,
    subject: name([
      [OID.C, 'IT'],
      [OID.O, `${subject.enteName} (TEST)`],
      [OID.OU, 'TEST - sigillo di prova, senza valore legale'],
      [OID.orgId, organizationIdentifier(subject)],
      [OID.CN, `TEST sigillo elettronico ${subject.enteName}`],
    ]),
    spki,
    years: 3,
    extensions: [
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
      ),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
      extension(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(ca.keyId) }),
      ),
    ],
  });
  const p12 = writePkcs12(privateKey, [certPem, ca.certPem], passphrase, `TEST ${subject.enteName}`);
  return { p12, certPem };
}

/** The test CA as text (certificate and key PEM, JSON) for the installation's platform secrets. */
export function exportTestCa(ca: TestCa): string {
  return JSON.stringify({ certPem: ca.certPem, keyPem: ca.key.export({ type: 'pkcs8', format: 'pem' }) });
}

/** The inverse of exportTestCa: subject name and key identifier are read back from the certificate. */
export function importTestCa(text: string): TestCa {
  const { certPem, keyPem } = JSON.parse(text) as { certPem: string; keyPem: string };
  const der = Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const cert = AsnConvert.parse(der, Certificate);
  const spki = cert.tbsCertificate.subjectPublicKeyInfo;
  const keyId = createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
  return { certPem, key: createPrivateKey(keyPem), name: cert.tbsCertificate.subject, keyId };
}
