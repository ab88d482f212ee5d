// A CAdES detached signature (CMS SignedData, ETSI EN 319 122-1 baseline B) over the bytes a PDF
// signature's ByteRange covers. Signed attributes: content-type, message-digest, signing-certificate-v2.
// No signing-time: PAdES puts the claimed signing time in the signature dictionary's /M.
import { createHash, type KeyObject, sign, type X509Certificate } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, AsnObjectIdentifierConverter, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, GeneralName, GeneralNames } from '@peculiar/asn1-x509';

export const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
};

/** A DER element: tag, definite length, content. */
export function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  const length = Buffer.from(n < 0x80 ? [n] : [0x80 | bytes.length, ...bytes]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const serialize = (value: unknown) => Buffer.from(AsnConvert.serialize(value));
const attribute = (attrType: string, value: Buffer) =>
  new Attribute({ attrType, attrValues: [new Uint8Array(value).buffer] });

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

/** The DER SET OF the signed attributes, which is what the signature covers (RFC 5652 §5.4). */
function signedAttributesSet(attrs: Attribute[]): { sorted: Attribute[]; set: Buffer } {
  const encoded = attrs.map((attr) => ({ attr, bytes: serialize(attr) }));
  encoded.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  return {
    sorted: encoded.map((e) => e.attr),
    set: der(0x31, Buffer.concat(encoded.map((e) => e.bytes))),
  };
}

/** The DER ContentInfo of a detached CMS SignedData over `content`. chain[0] is the signer. */
export function cadesDetached(content: Buffer, key: KeyObject, chain: X509Certificate[]): Buffer {
  const certs = chain.map((x509) => AsnConvert.parse(x509.raw, Certificate));
  const signer = certs[0];
  if (!signer) throw new Error('No signer certificate');
  const sha256 = new AlgorithmIdentifier({ algorithm: OIDS.sha256 });
  const { sorted, set } = signedAttributesSet([
    attribute(OIDS.contentType, Buffer.from(AsnObjectIdentifierConverter.toASN(OIDS.data).toBER())),
    attribute(OIDS.messageDigest, serialize(new OctetString(createHash('sha256').update(content).digest()))),
    attribute(OIDS.signingCertificateV2, signingCertificateV2(signer)),
  ]);
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: signer.tbsCertificate.issuer,
        serialNumber: signer.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: sha256,
    signedAttrs: sorted,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OIDS.sha256WithRsa, parameters: null }),
    signature: new OctetString(sign('sha256', set, key)),
  });
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([sha256]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: OIDS.data }),
    certificates: new CertificateSet(certs.map((certificate) => new CertificateChoices({ certificate }))),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return serialize(
    new ContentInfo({ contentType: OIDS.signedData, content: new Uint8Array(serialize(signedData)).buffer }),
  );
}
