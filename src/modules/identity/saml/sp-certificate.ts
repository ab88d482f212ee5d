// The SPID service provider's self-signed signing certificate, shaped as AgID's Avviso 29 v3 asks of a
// public-sector SP: RSA 3072, the entityID and the IPA code in the subject, the agIDcert policies.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate,
  CertificatePolicies,
  DisplayText,
  Extension,
  Extensions,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  PolicyInformation,
  PolicyQualifierInfo,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  UserNotice,
  Validity,
  Version,
} from '@peculiar/asn1-x509';

export interface SpSubject {
  organizationName: string;
  /** A short name of the service provider (CN). */
  commonName: string;
  entityId: string;
  /** The IPA code of the public administration (organizationIdentifier PA:IT-<code>). */
  ipaCode: string;
  locality: string;
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const USER_NOTICE = '1.3.6.1.5.5.7.2.2';
/** AgID root, agIDcert, and "SPID public-sector service provider" (Avviso 29 v3 §3). */
const POLICIES: Array<[string, string]> = [
  ['1.3.76.16', 'AgIDroot'],
  ['1.3.76.16.6', 'agIDcert'],
  ['1.3.76.16.4.2.1', 'cert_SP_Pub'],
];

function policiesExtension(): Extension {
  const policies = new CertificatePolicies(
    POLICIES.map(
      ([oid, text]) =>
        new PolicyInformation({
          policyIdentifier: oid,
          policyQualifiers: [
            new PolicyQualifierInfo({
              policyQualifierId: USER_NOTICE,
              qualifier: AsnConvert.serialize(
                new UserNotice({ explicitText: new DisplayText({ utf8String: text }) }),
              ),
            }),
          ],
        }),
    ),
  );
  return extension(id_ce_certificatePolicies, false, policies);
}

const extension = (extnID: string, critical: boolean, value: unknown) =>
  new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

const rdn = (type: string, value: AttributeValue) =>
  new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]);

/**
 * A serial number from 16 random bytes: positive, and minimal in DER. A first byte of 0x00 followed by
 * one under 0x80 is padding OpenSSL refuses, so Node (and xml-crypto, which reads the certificate to
 * publish it) could not read one certificate in 256: the first byte is kept between 0x01 and 0x7f.
 */
export function certificateSerial(random: Buffer = randomBytes(16)): ArrayBuffer {
  const serial = new Uint8Array(random);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial.buffer;
}

/** A new key pair and a self-signed certificate, both PEM. Valid for `years` from a few minutes ago. */
export function createSpCertificate(subject: SpSubject, years = 10): { keyPem: string; certPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  const utf8 = (text: string) => new AttributeValue({ utf8String: text });
  const name = new Name([
    rdn('2.5.4.10', utf8(subject.organizationName)),
    rdn('2.5.4.3', utf8(subject.commonName)),
    rdn('2.5.4.83', utf8(subject.entityId)),
    rdn('2.5.4.97', utf8(`PA:IT-${subject.ipaCode}`)),
    rdn('2.5.4.6', new AttributeValue({ printableString: 'IT' })),
    rdn('2.5.4.7', utf8(subject.locality)),
  ]);
  // A few minutes back, so an identity provider whose clock is slightly behind accepts it at once.
  const notBefore = new Date(Date.now() - 5 * 60_000);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  const algorithm = new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null });
  const keyId = createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: certificateSerial(),
    signature: algorithm,
    issuer: name,
    validity: new Validity({ notBefore, notAfter }),
    subject: name,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, false, new BasicConstraints({ cA: false })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation),
      ),
      policiesExtension(),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
    ]),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: new Uint8Array(sign('sha256', tbsDer, privateKey)).buffer,
  });
  const der = Buffer.from(AsnConvert.serialize(certificate));
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    certPem: pem('CERTIFICATE', der),
  };
}

const pem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${label}-----\n`;

/** The base64 DER of a PEM certificate, as XML-DSig KeyInfo and SAML metadata carry it. */
export const certBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
