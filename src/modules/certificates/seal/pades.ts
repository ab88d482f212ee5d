// The electronic seal of a PDF: a PAdES baseline B-B signature (ETSI EN 319 142-1). A document being
// rendered with pdfkit gets its signature field (dictionary, hidden 0×0 widget, form) before it ends
// and is signed once finished (`addSealField`); any finished PDF can be sealed with an incremental update
// (`sealPdf`: @signpdf/placeholder-plain parses it and appends the field, so the original bytes stay
// untouched). @signpdf fills the ByteRange and Contents; cades.ts makes the CMS. See
// docs/adr/0010-electronic-seal.md.
// Opening a PKCS#12 costs tens of milliseconds (its key derivation), ten times a signature: each seal is
// opened once per process and kept ready to sign, keyed by a hash of the file and passphrase (a
// replaced seal has other bytes, so it is opened anew), the least recently used dropped beyond a bound.
// The signature's placeholder is sized to the seal's CMS (about 3 KB with a two-certificate chain), not
// to a worst case: the zeros that pad it are half of a certificate's file otherwise.
import { createHash } from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import {
  ANNOTATION_FLAGS,
  DEFAULT_BYTE_RANGE_PLACEHOLDER,
  SIG_FLAGS,
  Signer,
  SUBFILTER_ETSI_CADES_DETACHED,
} from '@signpdf/utils';
import type { TaggedPdf } from '../../../platform/pdf/pdf-document.ts';
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

/** What pdfkit 0.20 offers to add a form (its typings lack the catalog and the page's dictionary). */
interface PdfkitDocument {
  ref(data: Record<string, unknown>): { end(chunk?: string): void; compress: boolean };
  initForm(): void;
  page: { dictionary: unknown };
  _root: { data: { AcroForm?: { data: Record<string, unknown> & { Fields: unknown[] } } } };
}

/**
 * Adds the seal's signature field to a document being rendered, on its current page: the signature
 * dictionary with the ByteRange placeholder and zeroed Contents sized to the seal's CMS; the widget,
 * invisible (0×0, an empty appearance, as PDF/A wants of every annotation), tagged as a Form with a
 * description (PDF/UA); pdfkit's form, which pdfkit writes out at the end. What placeholder-plain
 * would append, without parsing the finished file. Returns what signs the field once the document is
 * finished.
 */
export function addSealField(
  pdf: TaggedPdf,
  seal: { p12: Buffer; passphrase: string },
  info: SealInfo,
  signingTime: Date,
): (finished: Buffer) => Promise<Buffer> {
  const signer = sealSigner(seal);
  const doc = pdf.doc as unknown as PdfkitDocument;
  if (doc._root.data.AcroForm) throw new Error('the document already has a form');
  const placeholder = DEFAULT_BYTE_RANGE_PLACEHOLDER;
  const signature = doc.ref({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: SUBFILTER_ETSI_CADES_DETACHED,
    ByteRange: [0, placeholder, placeholder, placeholder],
    Contents: new Uint8Array(signer.maxLength),
    Reason: new String(info.reason),
    M: signingTime,
    ContactInfo: new String(info.contactInfo ?? ''),
    Name: new String(info.name),
    Location: new String(info.location),
    Prop_Build: { Filter: { Name: 'Adobe.PPKLite' }, App: { Name: 'Convergenza' } },
  });
  const blank = doc.ref({ Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 0, 0] });
  blank.compress = false;
  blank.end(' '); // an empty content stream (pdfkit writes no stream for an empty string)
  const description = `Sigillo elettronico: ${info.name}`;
  const widget = pdf.annotation('Form', description, [0, 0, 0, 0], {
    Subtype: 'Widget',
    FT: 'Sig',
    V: signature,
    T: new String('Signature1'),
    TU: new String(description),
    F: ANNOTATION_FLAGS.PRINT,
    P: doc.page.dictionary,
    AP: { N: blank },
  });
  doc.initForm();
  const form = doc._root.data.AcroForm!;
  // A signature has its own appearance; PDF/A forbids NeedAppearances. The Type (optional), first,
  // lets placeholder-plain find the form when the file is sealed again (`sealPdf`).
  const { NeedAppearances: _, ...rest } = form.data;
  form.data = { Type: 'AcroForm', ...rest, SigFlags: SIG_FLAGS.SIGNATURES_EXIST | SIG_FLAGS.APPEND_ONLY };
  form.data.Fields.push(widget);
  signature.end();
  return (finished) => new SignPdf().sign(finished, new PadesSigner(signer), signingTime);
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
