// The electronic seal of a rendered PDF: a PAdES baseline B-B signature (ETSI EN 319 142-1) appended as
// an incremental update, so the original bytes, its structure tree and tags stay untouched.
// @signpdf/placeholder-plain writes the signature dictionary, field and widget (hidden, 0×0); @signpdf
// fills the ByteRange and Contents; cades.ts makes the CMS. See docs/adr/0010-electronic-seal.md.
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { cadesDetached } from './cades.ts';
import { readPkcs12, type SealCredentials } from './pkcs12.ts';

export interface SealInfo {
  reason: string;
  location: string;
  /** The signer's name shown by viewers (the ente). */
  name: string;
  contactInfo?: string;
}

/** Room for the CMS in the placeholder: RSA 4096 signature, a chain of four certificates, spare. */
const SIGNATURE_BYTES = 12_288;

class CadesSigner extends Signer {
  readonly #credentials: SealCredentials;
  constructor(credentials: SealCredentials) {
    super();
    this.#credentials = credentials;
  }
  override async sign(signedBytes: Buffer): Promise<Buffer> {
    return cadesDetached(signedBytes, this.#credentials.key, this.#credentials.chain);
  }
}

export async function sealPdf(
  pdf: Buffer,
  seal: { p12: Buffer; passphrase: string },
  info: SealInfo,
  signingTime: Date = new Date(),
): Promise<Buffer> {
  const credentials = readPkcs12(seal.p12, seal.passphrase);
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: info.reason,
    location: info.location,
    name: info.name,
    contactInfo: info.contactInfo ?? '',
    signingTime,
    signatureLength: SIGNATURE_BYTES,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'Convergenza',
  });
  return new SignPdf().sign(withPlaceholder, new CadesSigner(credentials), signingTime);
}
