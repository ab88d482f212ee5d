// The slips below the cut of a payment notice: one per payable option for banks and other channels
// (with the pagoPA QR code) and, when the ente has a postal account, one for Poste (with the DataMatrix).
// A slip is data first, so its height is known before a page break is decided.

import {
  A4,
  COLORS,
  dataMatrixMatrix,
  drawMatrix,
  formatDate,
  formatEuroCents,
  MARGIN,
  type ModuleMatrix,
  mm,
  qrMatrix,
  type TaggedPdf,
  type TextStyle,
} from '../../platform/pdf/pdf-document.ts';
import { formatNoticeNumber, pagopaQrString, posteDataMatrix } from './notice-codes.ts';
import type { NoticeLabels } from './notice-pdf.labels.ts';
import type { PaymentNotice } from './notice-pdf.ts';

/** One payable option: the single payment or an instalment. */
export interface Option {
  heading: string;
  noticeNumber: string;
  amountCents: number;
  dueDate: string | null;
}

export const WIDTH = A4.width - 2 * MARGIN;
const QR_SIZE = mm(25);
const DATAMATRIX_SIZE = mm(28);

export const sectionHeading = (pdf: TaggedPdf, text: string, x: number, y: number, width: number) =>
  pdf.heading(2, text, x, y, width, { size: 11, color: COLORS.accent }) + 4;

interface SlipField {
  label: string;
  value: string;
  size?: number;
}
export interface Slip {
  title: string;
  option: Option;
  alt: string;
  symbol: ModuleMatrix;
  symbolSize: number;
  /** Fields column by column, read in that order. */
  columns: SlipField[][];
  hint: string;
}

const SLIP_PAD = 12;
const HINT: TextStyle = { size: 7.5, color: COLORS.label };
const valueStyle = (f: SlipField): TextStyle => (f.size ? { size: f.size } : {});

function slipGeometry(slip: Slip) {
  const x = MARGIN + SLIP_PAD + slip.symbolSize + 14;
  const free = MARGIN + WIDTH - SLIP_PAD - x - 10 * (slip.columns.length - 1);
  // The last column holds the amount and the notice number, printed larger.
  const widths = slip.columns.map((_, i, all) =>
    i === all.length - 1 ? free * 0.4 : (free * 0.6) / (all.length - 1),
  );
  const xs = widths.map((_, i) => x + widths.slice(0, i).reduce((a, b) => a + b + 10, 0));
  return { xs, widths };
}

export function slipHeight(pdf: TaggedPdf, slip: Slip): number {
  const { widths } = slipGeometry(slip);
  const columns = slip.columns.map((fields, i) =>
    fields.reduce((h, f) => h + pdf.fieldHeight(f.label, f.value, widths[i]!, valueStyle(f)) + 4, 0),
  );
  const head = 10 + pdf.heightOf(slip.title, WIDTH / 2, { font: 'bold', size: 11 }) + 8;
  const hint = pdf.heightOf(slip.hint, WIDTH - 2 * SLIP_PAD, HINT);
  return head + Math.max(slip.symbolSize, ...columns) + 6 + hint + 8;
}

export function drawSlip(pdf: TaggedPdf, labels: NoticeLabels, slip: Slip, y: number): number {
  const { option } = slip;
  const { xs, widths } = slipGeometry(slip);
  let bottom = y;
  pdf.group('Sect', () => {
    const top = sectionHeading(pdf, slip.title, MARGIN + SLIP_PAD, y + 10, WIDTH / 2) + 4;
    const due = option.dueDate ? labels.dueBy(formatDate(option.dueDate)) : labels.noDueDate;
    const line = `${option.heading} · ${due}`;
    pdf.paragraph(line, MARGIN + WIDTH / 2, y + 11, WIDTH / 2 - SLIP_PAD, {
      font: 'semibold',
      size: 10,
      align: 'right',
    });
    const x = MARGIN + SLIP_PAD;
    pdf.figure(slip.alt, x, top, slip.symbolSize, slip.symbolSize, () =>
      drawMatrix(pdf.doc, slip.symbol, x, top, slip.symbolSize),
    );
    let lowest = top + slip.symbolSize;
    slip.columns.forEach((fields, i) => {
      let fieldY = top;
      for (const f of fields)
        fieldY = pdf.field(f.label, f.value, xs[i]!, fieldY, widths[i]!, valueStyle(f)) + 4;
      lowest = Math.max(lowest, fieldY);
    });
    bottom = pdf.paragraph(slip.hint, x, lowest + 6, WIDTH - 2 * SLIP_PAD, HINT) + 8;
  });
  pdf.box(MARGIN, y, WIDTH, bottom - y);
  return bottom;
}

export function bankSlip(n: PaymentNotice, labels: NoticeLabels, option: Option): Slip {
  const grouped = formatNoticeNumber(option.noticeNumber);
  const amount = formatEuroCents(n.lang, option.amountCents);
  return {
    title: labels.bankTitle,
    option,
    alt: labels.qrAlt(grouped, amount),
    symbol: qrMatrix(pagopaQrString(option.noticeNumber, n.creditor.fiscalCode, option.amountCents)),
    symbolSize: QR_SIZE,
    columns: [
      [
        { label: labels.recipient, value: n.debtor.fullName },
        { label: labels.creditor, value: n.creditor.name },
      ],
      [
        { label: labels.subject, value: n.subject },
        ...(n.creditor.cbill ? [{ label: labels.cbill, value: n.creditor.cbill }] : []),
      ],
      [
        { label: labels.amount, value: amount, size: 13 },
        { label: labels.noticeNumber, value: grouped, size: 11 },
        { label: labels.creditorFiscalCode, value: n.creditor.fiscalCode },
      ],
    ],
    hint: labels.qrHint,
  };
}

export function postalSlip(n: PaymentNotice, labels: NoticeLabels, option: Option): Slip {
  const postal = n.postal!;
  const grouped = formatNoticeNumber(option.noticeNumber);
  const amount = formatEuroCents(n.lang, option.amountCents);
  const code = posteDataMatrix({
    noticeNumber: option.noticeNumber,
    postalAccount: postal.account,
    amountCents: option.amountCents,
    creditorFiscalCode: n.creditor.fiscalCode,
    debtorFiscalCode: n.debtor.fiscalCode,
    debtorName: n.debtor.fullName,
    subject: n.subject,
  });
  return {
    title: labels.postalTitle,
    option,
    alt: labels.dataMatrixAlt(grouped, amount),
    symbol: dataMatrixMatrix(code),
    symbolSize: DATAMATRIX_SIZE,
    columns: [
      [
        { label: labels.postalAccount, value: postal.account, size: 11 },
        { label: labels.holder, value: postal.holder },
        ...(postal.authorization ? [{ label: labels.authorization, value: postal.authorization }] : []),
      ],
      [
        { label: labels.recipient, value: n.debtor.fullName },
        { label: labels.subject, value: n.subject },
        { label: labels.creditorFiscalCode, value: n.creditor.fiscalCode },
      ],
      [
        { label: labels.amount, value: amount, size: 13 },
        { label: labels.noticeNumber, value: grouped, size: 11 },
        { label: labels.documentType, value: 'P1' },
      ],
    ],
    hint: labels.postalHint,
  };
}
