// A CAdES detached signature (CMS SignedData, ETSI EN 319 122-1 baseline B) over the bytes a PDF
// signature's ByteRange covers. Signed attributes: content-type, message-digest, signing-certificate-v2.
// No signing-time: PAdES puts the claimed signing time in the signature dictionary's /M.
// Everything but the message digest and the signature is the same for every signature of one key and
// chain: `cadesSigner` encodes it once (with @peculiar/asn1-*), and each signature only concatenates DER.
import { createHash, type KeyObject, sign, type X509Certificate } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignerIdentifier,
} from '@peculiar/asn1-cms';
import { AsnConvert, AsnObjectIdentifierConverter } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';

export const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

/** A DER element: tag, definite length, content. */
export function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  const length = Buffer.from(n < 0x80 ? [n] : [0x80 | bytes.length, ...bytes]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OCTET_STRING = 0x04;
const CONTEXT_0 = 0xa0; // [0], constructed
const VERSION_1 = Buffer.from([0x02, 0x01, 0x01]);

const serialize = (value: unknown) => Buffer.from(AsnConvert.serialize(value));
const oid = (value: string) => Buffer.from(AsnObjectIdentifierConverter.toASN(value).toBER());
const attribute = (attrType: string, value: Buffer) =>
  serialize(new Attribute({ attrType, attrValues: [new Uint8Array(value).buffer] }));

/** SigningCertificateV2 (RFC 5035) with one ESSCertIDv2: SHA-256 (the default, so omitted) + IssuerSerial. */
export function signingCertificateV2(cert: Certificate): Buffer {
  const issuer = serialize(
    new GeneralNames([new GeneralName({ directoryName: cert.tbsCertificate.issuer })]),
  );
  const serial = der(0x02, Buffer.from(cert.tbsCertificate.serialNumber));
  const hash = createHash('sha256').update(serialize(cert)).digest();
  const essCertId = der(0x30, Buffer.concat([der(0x04, hash), der(0x30, Buffer.concat([issuer, serial]))]));
  return der(0x30, der(0x30, essCertId));
}

export interface CadesSigner {
  /** The DER ContentInfo of a detached CMS SignedData over `content`. */
  sign(content: Buffer): Buffer;
  /** Bytes a signature can take: the PDF's placeholder is sized to it. */
  maxLength: number;
}

/** Room for differences between signatures of one key (an ECDSA signature's DER length varies). */
const LENGTH_MARGIN = 32;

/** Prepares the signatures of one key and chain (chain[0] is the signer); the result is reusable. */
export function cadesSigner(key: KeyObject, chain: X509Certificate[]): CadesSigner {
  const certs = chain.map((x509) => AsnConvert.parse(x509.raw, Certificate));
  const signer = certs[0];
  if (!signer) throw new Error('No signer certificate');
  const sha256 = new AlgorithmIdentifier({ algorithm: OIDS.sha256 });
  const digestAlgorithm = serialize(sha256);
  // RSA PKCS#1 v1.5 (NULL parameters) or ECDSA (no parameters, RFC 5758); Node signs ECDSA in DER.
  const signatureAlgorithm = serialize(
    key.asymmetricKeyType === 'ec'
      ? new AlgorithmIdentifier({ algorithm: OIDS.ecdsaWithSha256 })
      : new AlgorithmIdentifier({ algorithm: OIDS.sha256WithRsa, parameters: null }),
  );
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec')
    throw new Error(`seal keys are RSA or EC, not ${key.asymmetricKeyType}`);
  const sid = serialize(
    new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: signer.tbsCertificate.issuer,
        serialNumber: signer.tbsCertificate.serialNumber,
      }),
    }),
  );
  const contentType = attribute(OIDS.contentType, oid(OIDS.data));
  const signingCertificate = attribute(OIDS.signingCertificateV2, signingCertificateV2(signer));
  const messageDigestType = oid(OIDS.messageDigest);
  // SignedData up to its signerInfos: version, digestAlgorithms, encapContentInfo (no eContent:
  // detached), certificates [0] IMPLICIT (the chain, as the CertificateSet encodes it).
  const certificateSet = serialize(
    new CertificateSet(certs.map((certificate) => new CertificateChoices({ certificate }))),
  );
  const signedDataHead = Buffer.concat([
    VERSION_1,
    serialize(new DigestAlgorithmIdentifiers([sha256])),
    serialize(new EncapsulatedContentInfo({ eContentType: OIDS.data })),
    Buffer.concat([Buffer.from([CONTEXT_0]), certificateSet.subarray(1)]),
  ]);
  const signedDataType = oid(OIDS.signedData);

  const signOver = (content: Buffer): Buffer => {
    const digest = createHash('sha256').update(content).digest();
    const messageDigest = der(
      SEQUENCE,
      Buffer.concat([messageDigestType, der(SET, der(OCTET_STRING, digest))]),
    );
    // The signed attributes are a DER SET OF, sorted by their encodings; the signature covers the SET
    // (RFC 5652 §5.4), the SignerInfo carries the same content as [0] IMPLICIT.
    const attributes = Buffer.concat([contentType, messageDigest, signingCertificate].sort(Buffer.compare));
    const signature = sign('sha256', der(SET, attributes), key);
    const signerInfo = der(
      SEQUENCE,
      Buffer.concat([
        VERSION_1,
        sid,
        digestAlgorithm,
        der(CONTEXT_0, attributes),
        signatureAlgorithm,
        der(OCTET_STRING, signature),
      ]),
    );
    const signedData = der(SEQUENCE, Buffer.concat([signedDataHead, der(SET, signerInfo)]));
    return der(SEQUENCE, Buffer.concat([signedDataType, der(CONTEXT_0, signedData)]));
  };
  // Everything but the signature value has a fixed length: one signature measures them all.
  return { sign: signOver, maxLength: signOver(Buffer.alloc(0)).length + LENGTH_MARGIN };
}
