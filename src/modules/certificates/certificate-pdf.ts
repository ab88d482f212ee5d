// The certificate as a document: A4, tagged PDF (TaggedPdf, ADR 0008) with the comune's name and emblem,
// the official wording of its type, the subject's data from the registry, number, issue date and time
// (Europe/Rome), the stamp-duty line, a QR code to the public verification page and, for a test seal, a
// TEST marking; then sealed (PAdES B-B, ADR 0010). Rendering and sealing run on worker threads once
// `startCertificateRendering` started them (ADR 0011), in the caller's thread otherwise.
import QRCode from 'qrcode';
import {
  A4,
  COLORS,
  drawMatrix,
  formatDate,
  formatDateTime,
  MARGIN,
  type ModuleMatrix,
  mm,
  TaggedPdf,
} from '../../platform/pdf/pdf-document.ts';
import { ThreadPool } from '../../platform/workers/thread-pool.ts';
import { CERTIFICATE_TYPE_INFO, type CertificateType, type SubjectData } from './certificate-types.ts';
import { birthPlaceText, wordingOf } from './certificate-wording.ts';
import { addSealField } from './seal/pades.ts';

export interface CertificateDocument {
  type: CertificateType;
  number: string;
  issuedAt: Date;
  subject: SubjectData;
  ente: { name: string; emblemPng?: Buffer | undefined };
  /** "Imposta di bollo assolta …" or "Esente da imposta di bollo ai sensi di …". */
  stampDutyLine: string;
  verificationUrl: string;
  /** The code that the verification page asks for with the number (also in the URL). */
  verificationCode: string;
  test: boolean;
}

const WIDTH = A4.width - 2 * MARGIN;
const RED = '#b30000';

/** "Comune di Jesolo" → "Jesolo". */
export const comuneName = (enteName: string) => enteName.replace(/^Comune di\s+/i, '');

/**
 * Any QR version the URL needs (ECC M), unlike the fixed version 4 of pagoPA notices; byte mode, which
 * a URL with lowercase letters needs anyway (no search for the cheapest mix of modes).
 */
function qrOf(text: string): ModuleMatrix {
  const { modules } = QRCode.create([{ data: Buffer.from(text), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
  });
  return { columns: modules.size, rows: modules.size, dark: (c, r) => modules.get(r, c) === 1 };
}

/** "0123456789ab" → "0123 4567 89AB": easier to read and type from paper (the page takes either case). */
const groupedCode = (code: string) => code.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');

export function renderCertificatePdf(c: CertificateDocument): Promise<Buffer> {
  return composeCertificate(c).finish();
}

/** The certificate's pages, not yet finished. */
function composeCertificate(c: CertificateDocument): TaggedPdf {
  const info = CERTIFICATE_TYPE_INFO[c.type];
  const comune = comuneName(c.ente.name);
  const p = c.subject.person;
  const pdf = new TaggedPdf({
    lang: 'it',
    title: `${info.title} n. ${c.number}`,
    subject: `${info.title} – ${p.surname} ${p.givenName}`,
    author: `Comune di ${comune}`,
    archival: true,
  });
  let y = MARGIN;
  if (c.test) {
    pdf.paragraph(
      'TEST – DOCUMENTO DI PROVA, SENZA VALORE LEGALE (sigillo elettronico di prova)',
      MARGIN,
      y,
      WIDTH,
      {
        font: 'bold',
        size: 10,
        color: RED,
        align: 'center',
      },
    );
    y += 22;
  }
  const textX = c.ente.emblemPng ? MARGIN + 56 : MARGIN;
  if (c.ente.emblemPng) {
    const emblem = c.ente.emblemPng;
    pdf.figure(`Stemma del Comune di ${comune}`, MARGIN, y, 44, 44, () => {
      pdf.doc.image(emblem, MARGIN, y, { fit: [44, 44], align: 'center', valign: 'center' });
    });
  }
  const headerTop = y;
  y = pdf.heading(1, `Comune di ${comune}`, textX, y, WIDTH - (textX - MARGIN), { size: 16 });
  y = pdf.paragraph('Ufficio Anagrafe – Servizi demografici', textX, y + 2, WIDTH, { color: COLORS.label });
  y = Math.max(y, c.ente.emblemPng ? headerTop + 44 : y) + 14;
  pdf.rule(MARGIN, y, A4.width - MARGIN);
  y += 14;
  y = pdf.heading(2, info.title.toUpperCase(), MARGIN, y, WIDTH, { size: 14, align: 'center' }) + 4;
  y =
    pdf.paragraph(`Certificato n. ${c.number}`, MARGIN, y, WIDTH, { align: 'center', font: 'semibold' }) + 16;

  y = pdf.paragraph("L'Ufficiale d'Anagrafe, visti gli atti d'ufficio, certifica che", MARGIN, y, WIDTH, {
    size: 10.5,
  });
  y += 8;
  const half = WIDTH / 2 - 8;
  const right = MARGIN + WIDTH / 2 + 8;
  pdf.group('Sect', () => {
    const row1 = Math.max(
      pdf.field('Cognome', p.surname, MARGIN, y, half),
      pdf.field('Nome', p.givenName, right, y, half),
    );
    const row2 = Math.max(
      pdf.field('Codice fiscale', p.fiscalCode, MARGIN, row1 + 8, half),
      pdf.field('Sesso', p.sex, right, row1 + 8, half),
    );
    y = Math.max(
      pdf.field('Data di nascita', formatDate(p.birthDate), MARGIN, row2 + 8, half),
      pdf.field('Luogo di nascita', birthPlaceText(p), right, row2 + 8, half),
    );
  });
  y += 14;
  const wording = wordingOf(c.type, c.subject, comune);
  y = pdf.paragraph(wording.statement, MARGIN, y, WIDTH, { size: 10.5 }) + 6;
  if (wording.members) {
    pdf.group('L', () => {
      for (const line of wording.members!) {
        y = pdf.tag('LI', () => pdf.write(`• ${line}`, MARGIN + 10, y, WIDTH - 10, { size: 9.5 })) + 4;
      }
    });
  }
  y += 10;
  y =
    pdf.paragraph(
      'Il presente certificato non può essere prodotto agli organi della pubblica amministrazione o ai ' +
        'privati gestori di pubblici servizi (art. 40 del D.P.R. 28 dicembre 2000, n. 445).',
      MARGIN,
      y,
      WIDTH,
      { size: 8.5, color: COLORS.label },
    ) + 6;
  y = pdf.paragraph(c.stampDutyLine, MARGIN, y, WIDTH, { font: 'semibold', size: 9.5 }) + 6;
  y = pdf.paragraph(
    `Rilasciato il ${formatDateTime('it', c.issuedAt.toISOString())} (ora italiana). Documento firmato con ` +
      `sigillo elettronico del Comune di ${comune} (art. 62, comma 3, del D.Lgs. 82/2005).`,
    MARGIN,
    y,
    WIDTH,
    { size: 9 },
  );

  const qrSize = mm(30);
  const qrY = Math.max(y + 20, A4.height - MARGIN - qrSize - 10);
  pdf.rule(MARGIN, qrY - 10, A4.width - MARGIN, true);
  pdf.figure(
    `Codice QR per verificare il certificato: ${c.verificationUrl}`,
    MARGIN,
    qrY,
    qrSize,
    qrSize,
    () => drawMatrix(pdf.doc, qrOf(c.verificationUrl), MARGIN, qrY, qrSize),
  );
  const textLeft = MARGIN + qrSize + 14;
  const after = pdf.paragraph(
    `Verifica l'autenticità del certificato n. ${c.number} inquadrando il codice QR o all'indirizzo:`,
    textLeft,
    qrY + 6,
    WIDTH - qrSize - 14,
    { size: 9 },
  );
  const url = pdf.paragraph(c.verificationUrl, textLeft, after + 2, WIDTH - qrSize - 14, {
    size: 9,
    color: COLORS.accent,
  });
  pdf.field('Codice di verifica', groupedCode(c.verificationCode), textLeft, url + 6, WIDTH - qrSize - 14);
  return pdf;
}

export interface SealFile {
  p12: Buffer;
  passphrase: string;
}

let pool: ThreadPool | null = null;

/**
 * Renders and seals certificates on `threads` worker threads from now on (0: in the caller's thread);
 * returns the function that stops them (the application's shutdown). A later start takes over; each
 * stop closes its own threads.
 */
export function startCertificateRendering(threads: number): () => Promise<void> {
  if (threads <= 0) return async () => {};
  const started = new ThreadPool(new URL(import.meta.url), threads);
  pool = started;
  return async () => {
    if (pool === started) pool = null;
    await started.close();
  };
}

/** A Buffer over the same bytes: structured cloning (worker threads) delivers a Buffer as a Uint8Array. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Renders and seals with the ente's seal: on a worker thread when they are started. */
export async function sealedCertificatePdf(c: CertificateDocument, seal: SealFile): Promise<Buffer> {
  if (!pool) return renderAndSeal(c, seal);
  return asBuffer(await pool.run<Uint8Array>('renderAndSealCloned', [c, seal]));
}

/** The worker threads' task: `renderAndSeal` with the Buffers that cloning made Uint8Arrays again. */
export function renderAndSealCloned(c: CertificateDocument, seal: SealFile): Promise<Buffer> {
  const emblemPng = c.ente.emblemPng && asBuffer(c.ente.emblemPng);
  return renderAndSeal({ ...c, ente: { ...c.ente, emblemPng } }, { ...seal, p12: asBuffer(seal.p12) });
}

async function renderAndSeal(c: CertificateDocument, seal: SealFile): Promise<Buffer> {
  const pdf = composeCertificate(c);
  const comune = comuneName(c.ente.name);
  const sign = addSealField(
    pdf,
    seal,
    {
      reason: `${CERTIFICATE_TYPE_INFO[c.type].title} n. ${c.number}`,
      location: comune,
      name: `Comune di ${comune}`,
    },
    c.issuedAt,
  );
  return sign(await pdf.finish());
}
