// The pagoPA payment notice (avviso di pagamento), after the "rata unica" layout of the avvisi guide:
// what, how much, when and where to pay on top; below the cut, one slip per payable option with its QR
// code (banks and other channels) and, when the ente has a postal account, the Poste DataMatrix.
import {
  A4,
  COLORS,
  formatDate,
  formatEuroCents,
  MARGIN,
  TaggedPdf,
} from '../../platform/pdf/pdf-document.ts';
import {
  assertAmountCents,
  assertCreditorFiscalCode,
  assertDebtorFiscalCode,
  assertNoticeNumber,
  assertPostalAccount,
  formatNoticeNumber,
  NoticeDataError,
} from './notice-codes.ts';
import { NOTICE_LABELS, type NoticeLabels } from './notice-pdf.labels.ts';
import {
  bankSlip,
  drawSlip,
  type Option,
  postalSlip,
  sectionHeading,
  slipHeight,
  WIDTH,
} from './notice-pdf.slips.ts';

export interface PaymentNotice {
  lang: 'it' | 'en';
  creditor: {
    name: string;
    fiscalCode: string;
    sector?: string;
    info?: string;
    emblemPng?: Buffer;
    cbill?: string;
  };
  debtor: { fiscalCode: string; fullName: string; address?: string };
  subject: string;
  amountCents: number;
  /** YYYY-MM-DD */
  dueDate: string | null;
  noticeNumber: string;
  postal?: { account: string; holder: string; authorization?: string };
  instalments?: { noticeNumber: string; amountCents: number; dueDate: string }[];
}

const COLUMN = (WIDTH - 25) / 2;
const BOTTOM = A4.height - MARGIN;

function assertDate(value: string, field: string): void {
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || parsed.toISOString().slice(0, 10) !== value) {
    throw new NoticeDataError(field, `a date is written YYYY-MM-DD, got "${value}"`);
  }
}

function assertText(value: string | undefined, field: string): void {
  if (!value?.trim()) throw new NoticeDataError(field, 'must not be empty');
}

function validate(n: PaymentNotice): void {
  if (!(n.lang in NOTICE_LABELS)) throw new NoticeDataError('lang', `unsupported language "${n.lang}"`);
  assertText(n.creditor.name, 'creditor.name');
  assertCreditorFiscalCode(n.creditor.fiscalCode, 'creditor.fiscalCode');
  assertText(n.debtor.fullName, 'debtor.fullName');
  assertText(n.debtor.fiscalCode, 'debtor.fiscalCode');
  assertText(n.subject, 'subject');
  assertNoticeNumber(n.noticeNumber, 'noticeNumber');
  assertAmountCents(n.amountCents, 'amountCents');
  if (n.dueDate !== null) assertDate(n.dueDate, 'dueDate');
  n.instalments?.forEach((instalment, i) => {
    assertNoticeNumber(instalment.noticeNumber, `instalments[${i}].noticeNumber`);
    assertAmountCents(instalment.amountCents, `instalments[${i}].amountCents`);
    assertDate(instalment.dueDate, `instalments[${i}].dueDate`);
  });
  if (n.postal) {
    assertPostalAccount(n.postal.account, 'postal.account');
    assertText(n.postal.holder, 'postal.holder');
    assertDebtorFiscalCode(n.debtor.fiscalCode, 'debtor.fiscalCode');
  }
}

export async function renderPaymentNotice(n: PaymentNotice): Promise<Buffer> {
  validate(n);
  const labels = NOTICE_LABELS[n.lang];
  const options: Option[] = [
    {
      heading: labels.singleInstalment,
      noticeNumber: n.noticeNumber,
      amountCents: n.amountCents,
      dueDate: n.dueDate,
    },
    ...(n.instalments ?? []).map((instalment, i, all) => ({
      heading: labels.instalment(i + 1, all.length),
      ...instalment,
    })),
  ];
  // Built before drawing: the DataMatrix fields are checked here too.
  const slips = options.map((option) => [
    bankSlip(n, labels, option),
    ...(n.postal ? [postalSlip(n, labels, option)] : []),
  ]);
  const pdf = new TaggedPdf({
    lang: n.lang,
    title: `${labels.title} – ${n.subject}`,
    subject: `${labels.noticeNumber} ${formatNoticeNumber(n.noticeNumber)}`,
    author: n.creditor.name,
  });
  let y = summary(pdf, n, labels);
  for (const pair of slips) {
    // An option's bank and postal slips stay on one page.
    const needed = pair.reduce((sum, slip) => sum + slipHeight(pdf, slip) + 10, 0);
    if (y + needed > BOTTOM) {
      pdf.doc.addPage();
      y = MARGIN;
    }
    for (const slip of pair) y = drawSlip(pdf, labels, slip, y) + 10;
  }
  return pdf.finish();
}

/** Page one above the cut: title, creditor, addressee, how much and when, where to pay. */
function summary(pdf: TaggedPdf, n: PaymentNotice, labels: NoticeLabels): number {
  const right = MARGIN + COLUMN + 25;
  let y = pdf.heading(1, labels.title, MARGIN, MARGIN, WIDTH, { size: 20, color: COLORS.accent });
  y = pdf.paragraph(n.subject, MARGIN, y, WIDTH, { font: 'semibold', size: 12 }) + 6;
  pdf.rule(MARGIN, y, MARGIN + WIDTH);
  const top = y + 8;

  let left = top;
  pdf.group('Sect', () => {
    left = sectionHeading(pdf, labels.creditor, MARGIN, left, COLUMN);
    let textX = MARGIN;
    if (n.creditor.emblemPng) {
      const emblem = n.creditor.emblemPng;
      pdf.figure(labels.emblemAlt(n.creditor.name), MARGIN, left, 44, 44, () => {
        pdf.doc.image(emblem, MARGIN, left, { fit: [44, 44], align: 'center', valign: 'center' });
      });
      textX += 54;
    }
    const textWidth = COLUMN - (textX - MARGIN);
    let textY = pdf.paragraph(n.creditor.name, textX, left, textWidth, { font: 'bold', size: 12 });
    if (n.creditor.sector) textY = pdf.paragraph(n.creditor.sector, textX, textY, textWidth, { size: 9 });
    if (n.creditor.info) textY = pdf.paragraph(n.creditor.info, textX, textY, textWidth, { size: 8 });
    left = Math.max(textY, n.creditor.emblemPng ? left + 44 : textY) + 4;
    left = pdf.inlineField(labels.fiscalCode, n.creditor.fiscalCode, MARGIN, left, COLUMN);
    if (n.creditor.cbill) left = pdf.inlineField(labels.cbill, n.creditor.cbill, MARGIN, left, COLUMN);
  });

  let rightY = top;
  pdf.group('Sect', () => {
    rightY = sectionHeading(pdf, labels.debtor, right, rightY, COLUMN);
    rightY = pdf.paragraph(n.debtor.fullName, right, rightY, COLUMN, { font: 'bold', size: 12 }) + 4;
    rightY = pdf.inlineField(labels.fiscalCode, n.debtor.fiscalCode, right, rightY, COLUMN);
    if (n.debtor.address) rightY = pdf.paragraph(n.debtor.address, right, rightY, COLUMN, { size: 9 });
  });

  y = Math.max(left, rightY) + 6;
  pdf.rule(MARGIN, y, MARGIN + WIDTH);
  const second = y + 8;

  left = second;
  pdf.group('Sect', () => {
    left = sectionHeading(pdf, labels.howMuch, MARGIN, left, COLUMN);
    left = pdf.tag('P', () => {
      const below = pdf.write(`${formatEuroCents(n.lang, n.amountCents)} `, MARGIN, left, COLUMN, {
        font: 'bold',
        size: 20,
      });
      const due = n.dueDate ? labels.dueBy(formatDate(n.dueDate)) : labels.noDueDate;
      return pdf.write(due, MARGIN, below, COLUMN, { font: 'semibold', size: 11 });
    });
    const count = n.instalments?.length ?? 0;
    left = pdf.paragraph(count ? labels.orInstalments(count) : labels.single, MARGIN, left + 4, COLUMN) + 4;
    left = pdf.paragraph(labels.amountNote, MARGIN, left, COLUMN, { size: 7.5, color: COLORS.label });
  });

  rightY = second;
  pdf.group('Sect', () => {
    rightY = sectionHeading(pdf, labels.where, right, rightY, COLUMN);
    for (const text of [labels.online, labels.territory, labels.channels]) {
      rightY = pdf.paragraph(text, right, rightY, COLUMN) + 4;
    }
  });

  y = Math.max(left, rightY) + 8;
  pdf.rule(MARGIN, y, MARGIN + WIDTH, true);
  return pdf.paragraph(labels.cutHint, MARGIN, y + 4, WIDTH, { size: 7.5, color: COLORS.label }) + 8;
}
