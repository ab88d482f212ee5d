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

/**
 * The most key-derivation iterations a file may ask for. openssl writes 2,048, forge and most tools 10,000;
 * forge derives keys in JavaScript (≈ 6 ms per 1,000 here), so a file asking for millions would hold the
 * process for minutes before its passphrase is even checked.
 */
export const MAX_PKCS12_ITERATIONS = 100_000;

/**
 * The iteration counts a PKCS#12 declares (PBKDF2 and PKCS#12 PBE parameters, MacData): every SEQUENCE in
 * which an OCTET STRING (a salt) is followed by an INTEGER, looking into OCTET STRINGs that hold DER
 * (the authenticated safe and its bags). Cheap: no key is derived.
 */
function declaredIterations(node: forge.asn1.Asn1, depth = 0, found: number[] = []): number[] {
  if (depth > 12 || !Array.isArray(node.value)) {
    if (
      node.tagClass === forge.asn1.Class.UNIVERSAL &&
      node.type === forge.asn1.Type.OCTETSTRING &&
      depth < 12
    ) {
      const bytes = node.value as string;
      if (bytes.length > 2 && bytes.charCodeAt(0) === 0x30) {
        try {
          declaredIterations(forge.asn1.fromDer(bytes, false), depth + 1, found);
        } catch {
          // Not DER: a salt, a digest, encrypted bytes.
        }
      }
    }
    return found;
  }
  const children = node.value as forge.asn1.Asn1[];
  const universal = (n: forge.asn1.Asn1 | undefined, type: number) =>
    n?.tagClass === forge.asn1.Class.UNIVERSAL && n.type === type && !n.constructed;
  children.forEach((child, i) => {
    const next = children[i + 1];
    if (universal(child, forge.asn1.Type.OCTETSTRING) && universal(next, forge.asn1.Type.INTEGER)) {
      const bytes = next!.value as string;
      found.push(
        bytes.length > 4 ? Number.POSITIVE_INFINITY : forge.util.createBuffer(bytes).getInt(bytes.length * 8),
      );
    }
    declaredIterations(child, depth + 1, found);
  });
  return found;
}

/** Reads the key and certificates; throws on a wrong passphrase or a file without key or certificate. */
export function readPkcs12(p12: Buffer, passphrase: string): SealCredentials {
  const asn1 = forge.asn1.fromDer(p12.toString('binary'), false);
  if (declaredIterations(asn1).some((n) => n > MAX_PKCS12_ITERATIONS)) {
    throw new Error(`PKCS#12 with more than ${MAX_PKCS12_ITERATIONS} key-derivation iterations`);
  }
  const pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
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
