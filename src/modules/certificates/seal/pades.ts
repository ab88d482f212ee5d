// The electronic seal of a rendered PDF: a PAdES baseline B-B signature (ETSI EN 319 142-1) appended as
// an incremental update, so the original bytes, its structure tree and tags stay untouched.
// @signpdf/placeholder-plain writes the signature dictionary, field and widget (hidden, 0×0); @signpdf
// fills the ByteRange and Contents; cades.ts makes the CMS. See docs/adr/0010-electronic-seal.md.
// Opening a PKCS#12 costs tens of milliseconds (its key derivation), ten times a signature: each seal is
// opened once per process and kept ready to sign, keyed by a hash of the file and passphrase (a
// replaced seal has other bytes, so it is opened anew), the least recently used dropped beyond a bound.
// The signature's placeholder is sized to the seal's CMS (about 3 KB with a two-certificate chain), not
// to a worst case: the zeros that pad it are half of a certificate's file otherwise.
import { createHash } from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { type CadesSigner, cadesSigner } from './cades.ts';
import { readPkcs12 } from './pkcs12.ts';

export interface SealInfo {
  reason: string;
  location: string;
  /** The signer's name shown by viewers (the ente). */
  name: string;
  contactInfo?: string;
}

/** Seals kept open: more than the comuni of a large aggregation. */
const OPEN_SEALS = 256;
const openSeals = new Map<string, CadesSigner>();

/** The seal's signer, from the PKCS#12 opened once; throws on a wrong passphrase. */
export function sealSigner(seal: { p12: Buffer; passphrase: string }): CadesSigner {
  const id = createHash('sha256')
    .update(`${seal.p12.length}:`)
    .update(seal.p12)
    .update(seal.passphrase)
    .digest('base64');
  let signer = openSeals.get(id);
  if (signer) {
    openSeals.delete(id); // re-inserted below: the Map's order is the recency order
  } else {
    const { key, chain } = readPkcs12(seal.p12, seal.passphrase);
    signer = cadesSigner(key, chain);
    if (openSeals.size >= OPEN_SEALS) openSeals.delete(openSeals.keys().next().value!);
  }
  openSeals.set(id, signer);
  return signer;
}

class PadesSigner extends Signer {
  readonly #signer: CadesSigner;
  constructor(signer: CadesSigner) {
    super();
    this.#signer = signer;
  }
  override async sign(signedBytes: Buffer): Promise<Buffer> {
    return this.#signer.sign(signedBytes);
  }
}

export async function sealPdf(
  pdf: Buffer,
  seal: { p12: Buffer; passphrase: string },
  info: SealInfo,
  signingTime: Date = new Date(),
): Promise<Buffer> {
  const signer = sealSigner(seal);
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: info.reason,
    location: info.location,
    name: info.name,
    contactInfo: info.contactInfo ?? '',
    signingTime,
    signatureLength: signer.maxLength,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'Convergenza',
  });
  return new SignPdf().sign(withPlaceholder, new PadesSigner(signer), signingTime);
}
