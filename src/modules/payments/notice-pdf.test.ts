// The payment notice read back by independent tools: poppler (text, metadata, tags, fonts), zbar (QR)
// and libdmtx (DataMatrix), on a 300 dpi rendering as a scanner or a phone would see it.
import { beforeAll, describe, expect, it } from 'vitest';
import { NoticeDataError, pagopaQrString, posteDataMatrix } from './notice-codes.ts';
import { type PaymentNotice, renderPaymentNotice } from './notice-pdf.ts';
import {
  catalogLanguage,
  decodePage,
  emblemPng,
  figureAltTexts,
  pdfFonts,
  pdfInfo,
  pdfStructure,
  pdfText,
} from './pdf-tools.test-support.ts';

const notice: PaymentNotice = {
  lang: 'it',
  creditor: {
    name: 'Comune di Venezia',
    fiscalCode: '00339370272',
    sector: 'Settore Tributi',
    info: 'Ca’ Farsetti, San Marco 4136 – 30124 Venezia',
    emblemPng: emblemPng(),
  },
  debtor: {
    fiscalCode: 'RSSMRA85T10A562S',
    fullName: 'Mario Rossi',
    address: 'Cannaregio 1234, 30121 Venezia',
  },
  subject: 'TARI 2026 – tassa sui rifiuti',
  amountCents: 1250,
  dueDate: '2026-12-31',
  noticeNumber: '302000000000000184',
  postal: { account: '12345678', holder: 'Comune di Venezia – Servizio Tesoreria' },
};
const qrString = 'PAGOPA|002|302000000000000184|00339370272|1250';

describe('payment notice in Italian with the postal section', () => {
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await renderPaymentNotice(notice);
  });

  it('shows the notice data as text', async () => {
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const expected of [
      'Avviso di pagamento',
      'TARI 2026 – tassa sui rifiuti',
      'Comune di Venezia',
      '00339370272',
      'Mario Rossi',
      'RSSMRA85T10A562S',
      '€ 12,50',
      'entro il 31/12/2026',
      '3020 0000 0000 0001 84',
      'Bollettino postale PA',
      '12345678',
      'Comune di Venezia – Servizio Tesoreria',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('is a one-page A4 tagged PDF with its title shown and its language set', async () => {
    const info = await pdfInfo(pdf);
    expect(info.get('Tagged')).toBe('yes');
    expect(info.get('Title')).toBe('Avviso di pagamento – TARI 2026 – tassa sui rifiuti');
    expect(info.get('Pages')).toBe('1');
    expect(info.get('Page size')).toMatch(/^595\.2\d* x 841\.8\d* pts \(A4\)/);
    expect(catalogLanguage(pdf)).toBe('it-IT');
    expect(pdf.toString('latin1')).toMatch(/\/DisplayDocTitle true/);
  });

  it('has a structure tree: heading levels, sections, paragraphs and figures with alternative text', async () => {
    const tree = await pdfStructure(pdf);
    expect(tree).toMatch(/^Document\n {2}H1 \(block\)\n {4}"Avviso di pagamento"/);
    for (const heading of [
      'Ente creditore',
      'Quanto e quando pagare?',
      'Banche e altri canali',
      'Bollettino postale PA',
    ]) {
      expect(tree).toMatch(new RegExp(`H2 \\(block\\)\\n\\s+"${heading.replace('?', '\\?')}"`));
    }
    expect(tree).toContain('"Codice avviso 3020 0000 0000 0001 84"');
    expect(tree.match(/Figure:/g)).toHaveLength(3);
    expect(figureAltTexts(pdf)).toEqual([
      'Stemma: Comune di Venezia',
      'Codice QR pagoPA dell’avviso 3020 0000 0000 0001 84, importo € 12,50',
      'Codice DataMatrix di Poste Italiane dell’avviso 3020 0000 0000 0001 84, importo € 12,50',
    ]);
  });

  it('embeds every font it uses (Titillium Web)', async () => {
    const fonts = await pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.name).toMatch(/^[A-Z]{6}\+TitilliumWeb-/);
      expect(font.embedded).toBe(true);
    }
  });

  it('prints a QR code and a DataMatrix that decode to exactly the pagoPA and Poste strings', async () => {
    const codes = await decodePage(pdf, 1, 1);
    expect(codes.qr).toEqual([qrString]);
    expect(pagopaQrString(notice.noticeNumber, notice.creditor.fiscalCode, notice.amountCents)).toBe(
      qrString,
    );
    const expected = posteDataMatrix({
      noticeNumber: notice.noticeNumber,
      postalAccount: '12345678',
      amountCents: 1250,
      creditorFiscalCode: '00339370272',
      debtorFiscalCode: 'RSSMRA85T10A562S',
      debtorName: 'Mario Rossi',
      subject: notice.subject,
    });
    expect(codes.dataMatrix).toEqual([expected]);
    expect(expected).toHaveLength(256);
  });
});

describe('payment notice in English with instalments', () => {
  const instalments = [
    { noticeNumber: '301234567890123416', amountCents: 625, dueDate: '2026-06-30' },
    { noticeNumber: '347000000001234592', amountCents: 625, dueDate: '2026-12-31' },
    { noticeNumber: '300999999999999942', amountCents: 123456, dueDate: '2027-06-30' },
  ];
  let pdf: Buffer;
  beforeAll(async () => {
    const { postal: _postal, ...withoutPostal } = notice;
    pdf = await renderPaymentNotice({ ...withoutPostal, lang: 'en', instalments });
  });

  it('is in English, with English amounts, and lists every instalment', async () => {
    const info = await pdfInfo(pdf);
    expect(info.get('Title')).toBe('Payment notice – TARI 2026 – tassa sui rifiuti');
    expect(info.get('Tagged')).toBe('yes');
    expect(catalogLanguage(pdf)).toBe('en-GB');
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const expected of [
      '€ 12.50',
      '€ 1,234.56',
      'Instalment 3 of 3 · by 30/06/2027',
      '3009 9999 9999 9999 42',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('PA postal payment slip');
  });

  it('gives every instalment its own QR code with its own notice number and amount', async () => {
    const pages = Number((await pdfInfo(pdf)).get('Pages'));
    const decoded: string[] = [];
    for (let page = 1; page <= pages; page++) decoded.push(...(await decodePage(pdf, page, 0)).qr);
    expect(decoded.sort()).toEqual(
      [
        qrString,
        ...instalments.map((i) => pagopaQrString(i.noticeNumber, '00339370272', i.amountCents)),
      ].sort(),
    );
  });
});

describe('payment notice input', () => {
  const rejects = (change: Partial<PaymentNotice>, field: RegExp) =>
    expect(renderPaymentNotice({ ...notice, ...change })).rejects.toSatisfy(
      (error) => error instanceof NoticeDataError && field.test(error.field),
    );

  it('names the field that cannot be printed', async () => {
    await rejects({ dueDate: '2026-02-30' }, /^dueDate$/);
    await rejects({ amountCents: 0 }, /^amountCents$/);
    await rejects({ noticeNumber: '3020000000000001' }, /^noticeNumber$/);
    await rejects({ creditor: { ...notice.creditor, fiscalCode: 'ABC' } }, /^creditor\.fiscalCode$/);
    await rejects({ subject: ' ' }, /^subject$/);
    await rejects(
      { instalments: [{ noticeNumber: '301234567890123416', amountCents: 1.5, dueDate: '2026-06-30' }] },
      /^instalments\[0\]\.amountCents$/,
    );
    await rejects({ debtor: { ...notice.debtor, fiscalCode: 'ROSSI' } }, /^debtor\.fiscalCode$/);
    await rejects({ postal: { account: 'CC-1', holder: 'Comune' } }, /^postal\.account$/);
  });
});
