// The payment receipt a citizen downloads after paying: the data of the pagoPA receipt (ricevuta
// telematica) in a tagged, accessible PDF built like the payment notice.

import {
  A4,
  COLORS,
  formatDateTime,
  formatEuroCents,
  MARGIN,
  type PdfLang,
  TaggedPdf,
} from '../../platform/pdf/pdf-document.ts';
import {
  assertAmountCents,
  assertCreditorFiscalCode,
  assertNoticeNumber,
  formatNoticeNumber,
  NoticeDataError,
} from './notice-codes.ts';

export interface PaymentReceiptDoc {
  lang: PdfLang;
  creditor: { name: string; fiscalCode: string; emblemPng?: Buffer };
  /** Who paid as the receipt names them (its debtor when no other payer is known). */
  payer: { fullName: string; fiscalCode: string | null };
  subject: string;
  noticeNumber: string;
  iuv: string;
  amountCents: number;
  /** ISO 8601 instant of the payment, shown in Italian time. */
  paidAt: string;
  pspCompanyName: string;
  receiptId: string;
}

const LABELS = {
  it: {
    title: 'Ricevuta di pagamento',
    outcome: 'Pagamento eseguito con pagoPA',
    subject: 'Oggetto del pagamento',
    payer: 'Pagatore',
    creditor: 'Ente creditore',
    fiscalCode: 'codice fiscale',
    fiscalCodeLabel: 'Codice fiscale',
    noticeNumber: 'Codice avviso',
    iuv: 'Identificativo univoco di versamento (IUV)',
    paidAt: 'Data e ora del pagamento (ora italiana)',
    psp: 'Prestatore di servizi di pagamento',
    receiptId: 'Identificativo della ricevuta',
    emblemAlt: (name: string) => `Stemma: ${name}`,
    note: (name: string) =>
      `Ricevuta prodotta da ${name} con i dati della ricevuta telematica di pagoPA. ` +
      'Conservala come prova del pagamento.',
  },
  en: {
    title: 'Payment receipt',
    outcome: 'Payment made with pagoPA',
    subject: 'Subject of the payment',
    payer: 'Payer',
    creditor: 'Creditor',
    fiscalCode: 'fiscal code',
    fiscalCodeLabel: 'Fiscal code',
    noticeNumber: 'Notice number',
    iuv: 'Unique payment identifier (IUV)',
    paidAt: 'Date and time of payment (Italian time)',
    psp: 'Payment service provider',
    receiptId: 'Receipt identifier',
    emblemAlt: (name: string) => `Coat of arms: ${name}`,
    note: (name: string) =>
      `Receipt produced by ${name} from the data of the pagoPA electronic receipt. ` +
      'Keep it as proof of payment.',
  },
};

function validate(r: PaymentReceiptDoc): void {
  if (!(r.lang in LABELS)) throw new NoticeDataError('lang', `unsupported language "${r.lang}"`);
  for (const [field, value] of Object.entries({
    'creditor.name': r.creditor.name,
    'payer.fullName': r.payer.fullName,
    subject: r.subject,
    iuv: r.iuv,
    pspCompanyName: r.pspCompanyName,
    receiptId: r.receiptId,
  })) {
    if (!value?.trim()) throw new NoticeDataError(field, 'must not be empty');
  }
  assertCreditorFiscalCode(r.creditor.fiscalCode, 'creditor.fiscalCode');
  assertNoticeNumber(r.noticeNumber);
  assertAmountCents(r.amountCents);
  if (Number.isNaN(Date.parse(r.paidAt))) {
    throw new NoticeDataError('paidAt', `an ISO 8601 date-time is expected, got "${r.paidAt}"`);
  }
}

export async function renderReceiptPdf(r: PaymentReceiptDoc): Promise<Buffer> {
  validate(r);
  const labels = LABELS[r.lang];
  const width = A4.width - 2 * MARGIN;
  const pdf = new TaggedPdf({
    lang: r.lang,
    title: `${labels.title} – ${r.subject}`,
    subject: `${labels.noticeNumber} ${formatNoticeNumber(r.noticeNumber)}`,
    author: r.creditor.name,
  });

  let y = MARGIN;
  let textX = MARGIN;
  if (r.creditor.emblemPng) {
    const emblem = r.creditor.emblemPng;
    pdf.figure(labels.emblemAlt(r.creditor.name), MARGIN, y, 44, 44, () => {
      pdf.doc.image(emblem, MARGIN, y, { fit: [44, 44], align: 'center', valign: 'center' });
    });
    textX += 54;
  }
  let headerBottom = pdf.paragraph(r.creditor.name, textX, y + 4, width - (textX - MARGIN), {
    font: 'bold',
    size: 13,
  });
  headerBottom = pdf.inlineField(
    labels.fiscalCodeLabel,
    r.creditor.fiscalCode,
    textX,
    headerBottom + 2,
    width,
  );
  y = Math.max(headerBottom, r.creditor.emblemPng ? y + 44 : 0) + 10;
  pdf.rule(MARGIN, y, MARGIN + width);

  y = pdf.heading(1, labels.title, MARGIN, y + 12, width, { size: 22, color: COLORS.accent });
  y = pdf.paragraph(labels.outcome, MARGIN, y + 2, width, { font: 'semibold', size: 12 });
  y =
    pdf.paragraph(formatEuroCents(r.lang, r.amountCents), MARGIN, y + 8, width, { font: 'bold', size: 24 }) +
    12;

  const payer = r.payer.fiscalCode
    ? `${r.payer.fullName}, ${labels.fiscalCode} ${r.payer.fiscalCode}`
    : r.payer.fullName;
  const rows: [string, string][] = [
    [labels.subject, r.subject],
    [labels.payer, payer],
    [labels.creditor, `${r.creditor.name}, ${labels.fiscalCode} ${r.creditor.fiscalCode}`],
    [labels.noticeNumber, formatNoticeNumber(r.noticeNumber)],
    [labels.iuv, r.iuv],
    [labels.paidAt, formatDateTime(r.lang, r.paidAt)],
    [labels.psp, r.pspCompanyName],
    [labels.receiptId, r.receiptId],
  ];
  // Two columns, read row by row, left then right.
  const column = (width - 24) / 2;
  for (let i = 0; i < rows.length; i += 2) {
    const bottoms = rows
      .slice(i, i + 2)
      .map(([label, value], j) =>
        pdf.field(label, value, MARGIN + j * (column + 24), y, column, { size: 11 }),
      );
    y = Math.max(...bottoms) + 10;
  }
  pdf.rule(MARGIN, y, MARGIN + width);
  pdf.paragraph(labels.note(r.creditor.name), MARGIN, y + 8, width, { size: 8.5, color: COLORS.label });
  return pdf.finish();
}
