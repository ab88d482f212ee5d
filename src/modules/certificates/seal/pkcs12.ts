// PKCS#12 (.p12/.pfx) files hold an ente's seal: the private key and its certificate chain. Node's
// crypto cannot read them, so node-forge does (see docs/adr/0010-electronic-seal.md).
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export interface SealCredentials {
  key: KeyObject;
  /** The seal certificate (the one matching the key) first, then the rest of the chain. */
  chain: X509Certificate[];
}

const fromBinary = (bytes: string) => Buffer.from(bytes, 'binary');
const toDer = (node: forge.asn1.Asn1) => fromBinary(forge.asn1.toDer(node).getBytes());

/** A PKCS#12 with the key shrouded by PBES2/AES-256 (PBKDF2-HMAC-SHA256) and forge's HMAC-SHA1 integrity MAC. */
export function writePkcs12(
  keyPem: string,
  chainPem: string[],
  passphrase: string,
  friendlyName: string,
): Buffer {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const certs = chainPem.map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, passphrase, {
    algorithm: 'aes256',
    count: 10_000,
    friendlyName,
    // prfAlgorithm reaches forge's PBES2 key encryption; the typings do not list it.
    ...({ prfAlgorithm: 'sha256' } as object),
  });
  return toDer(asn1);
}

/** Reads the key and certificates; throws on a wrong passphrase or a file without key or certificate. */
export function readPkcs12(p12: Buffer, passphrase: string): SealCredentials {
  const pfx = forge.pkcs12.pkcs12FromAsn1(
    forge.asn1.fromDer(p12.toString('binary'), false),
    false,
    passphrase,
  );
  const keyBags = [
    ...(pfx.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ??
      []),
    ...(pfx.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = pfx.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const keyBag = keyBags[0];
  if (!keyBag) throw new Error('PKCS#12 without a private key');
  // forge parses RSA only; for other keys it leaves the PrivateKeyInfo as ASN.1, which Node reads.
  const keyDer = keyBag.key
    ? toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)))
    : toDer(keyBag.asn1 as forge.asn1.Asn1);
  const key = createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' });
  const certs = certBags.map(
    (bag) =>
      new X509Certificate(
        bag.cert ? toDer(forge.pki.certificateToAsn1(bag.cert)) : toDer(bag.asn1 as forge.asn1.Asn1),
      ),
  );
  const signer = certs.find((cert) => cert.checkPrivateKey(key));
  if (!signer) throw new Error('PKCS#12 without the certificate of its private key');
  return { key, chain: [signer, ...certs.filter((cert) => cert !== signer)] };
}
