// PKCS#12 (.p12/.pfx) files hold an ente's seal: the private key and its certificate chain. Node's
// crypto cannot read them, so node-forge does (see docs/adr/0010-electronic-seal.md).
import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export interface SealCredentials {
  key: KeyObject;
  /** The seal certificate (the one matching the key) first, then the rest of the chain. */
  chain: X509Certificate[];
}

const { asn1 } = forge;
/** DER as forge's binary string, and as bytes. */
const der = (node: forge.asn1.Asn1) => asn1.toDer(node).getBytes();
const toDer = (node: forge.asn1.Asn1) => Buffer.from(der(node), 'binary');

const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const oid = (id: string) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const explicit = (node: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [node]);
/** A PKCS#7 ContentInfo of type data holding `node`'s DER. */
const dataInfo = (node: forge.asn1.Asn1) => seq([oid(forge.pki.oids.data!), explicit(octets(der(node)))]);
const ITERATIONS = 10_000;

/**
 * A PKCS#12 (RFC 7292) of any key Node can export (RSA, EC): the key shrouded by PBES2/AES-256-CBC with
 * PBKDF2-HMAC-SHA256, the certificates (the key's first) in a plain bag, an HMAC-SHA1 integrity MAC —
 * what openssl and forge write and read. forge alone writes RSA keys only.
 */
export function writePkcs12(
  key: KeyObject,
  chainPem: string[],
  passphrase: string,
  friendlyName: string,
): Buffer {
  const chain = chainPem.map((pem) => new X509Certificate(pem));
  if (!chain[0]?.checkPrivateKey(key)) throw new Error('the first certificate must be the key’s');
  const certs = chain.map((cert) => cert.raw);
  const attributes = set([
    seq([
      oid(forge.pki.oids.localKeyId!),
      set([octets(createHash('sha1').update(certs[0]!).digest('binary'))]),
    ]),
    seq([
      oid(forge.pki.oids.friendlyName!),
      set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, friendlyName)]),
    ]),
  ]);
  const certBags = certs.map((cert, i) =>
    seq([
      oid(forge.pki.oids.certBag!),
      explicit(seq([oid(forge.pki.oids.x509Certificate!), explicit(octets(cert.toString('binary')))])),
      ...(i === 0 ? [attributes] : []),
    ]),
  );
  const keyInfo = asn1.fromDer(key.export({ type: 'pkcs8', format: 'der' }).toString('binary'));
  const shrouded = forge.pki.encryptPrivateKeyInfo(keyInfo, passphrase, {
    algorithm: 'aes256',
    count: ITERATIONS,
    // prfAlgorithm reaches forge's PBES2 key encryption; the typings do not list it.
    ...({ prfAlgorithm: 'sha256' } as object),
  });
  const keyBag = seq([oid(forge.pki.oids.pkcs8ShroudedKeyBag!), explicit(shrouded), attributes]);
  const safe = seq([dataInfo(seq(certBags)), dataInfo(seq([keyBag]))]);
  const salt = forge.random.getBytesSync(8);
  const macKey = forge.pkcs12.generateKey(passphrase, forge.util.createBuffer(salt), 3, ITERATIONS, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey);
  hmac.update(der(safe));
  const macData = seq([
    seq([
      seq([oid(forge.pki.oids.sha1!), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]),
      octets(hmac.digest().getBytes()),
    ]),
    octets(salt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(ITERATIONS).getBytes()),
  ]);
  const pfx = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    dataInfo(safe),
    macData,
  ]);
  return Buffer.from(der(pfx), 'binary');
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
