import { describe, expect, it } from 'vitest';
import { NoticeDataError } from './notice-codes.ts';
import {
  catalogLanguage,
  emblemPng,
  figureAltTexts,
  pdfFonts,
  pdfInfo,
  pdfStructure,
  pdfText,
} from './pdf-tools.test-support.ts';
import { type PaymentReceiptDoc, renderReceiptPdf } from './receipt-pdf.ts';

const receipt: PaymentReceiptDoc = {
  lang: 'it',
  creditor: { name: 'Comune di Treviso', fiscalCode: '80007310263', emblemPng: emblemPng() },
  payer: { fullName: 'Giulia Bianchi', fiscalCode: 'BNCGLI90A41L407X' },
  subject: 'Diritti di segreteria – certificato di residenza',
  noticeNumber: '347000000001234592',
  iuv: '47000000001234592',
  amountCents: 123456,
  // 09:15 UTC in winter is 10:15 in Italy; in summer 11:15 (the receipt shows Italian time).
  paidAt: '2026-01-15T09:15:00Z',
  pspCompanyName: 'Banca di Prova S.p.A.',
  receiptId: 'c9a1f0e2b7d34e1f9a0b1c2d3e4f5a6b',
};

describe('payment receipt', () => {
  it('shows ente, payer, notice number, IUV, amount, Italian date and time, PSP and receipt id', async () => {
    const text = (await pdfText(await renderReceiptPdf(receipt))).replace(/\s+/g, ' ');
    for (const expected of [
      'Ricevuta di pagamento',
      'Comune di Treviso',
      '80007310263',
      'Giulia Bianchi, codice fiscale BNCGLI90A41L407X',
      '3470 0000 0001 2345 92',
      '47000000001234592',
      '€ 1.234,56',
      '15/01/2026, 10:15',
      'Banca di Prova S.p.A.',
      'c9a1f0e2b7d34e1f9a0b1c2d3e4f5a6b',
      'Diritti di segreteria – certificato di residenza',
    ]) {
      expect(text).toContain(expected);
    }
    const summer = await pdfText(await renderReceiptPdf({ ...receipt, paidAt: '2026-07-15T09:15:00Z' }));
    expect(summer).toContain('15/07/2026, 11:15');
  });

  it('is tagged and accessible like the notice', async () => {
    const pdf = await renderReceiptPdf(receipt);
    const info = await pdfInfo(pdf);
    expect(info.get('Tagged')).toBe('yes');
    expect(info.get('Title')).toBe(
      'Ricevuta di pagamento – Diritti di segreteria – certificato di residenza',
    );
    expect(catalogLanguage(pdf)).toBe('it-IT');
    const tree = await pdfStructure(pdf);
    expect(tree).toMatch(/H1 \(block\)\n\s+"Ricevuta di pagamento"/);
    expect(tree).toContain('"Identificativo della ricevuta c9a1f0e2b7d34e1f9a0b1c2d3e4f5a6b"');
    expect(figureAltTexts(pdf)).toEqual(['Stemma: Comune di Treviso']);
    for (const font of await pdfFonts(pdf)) expect(font).toMatchObject({ embedded: true });
  });

  it('speaks English, and a payer without a fiscal code is shown by name', async () => {
    const pdf = await renderReceiptPdf({
      ...receipt,
      lang: 'en',
      payer: { fullName: 'Anna Verdi', fiscalCode: null },
    });
    expect(catalogLanguage(pdf)).toBe('en-GB');
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    for (const expected of ['Payment receipt', '€ 1,234.56', 'Payer', 'Anna Verdi', 'Receipt identifier']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('fiscal code null');
  });

  it('names the field of bad input', async () => {
    const fieldOf = (change: Partial<PaymentReceiptDoc>) =>
      renderReceiptPdf({ ...receipt, ...change }).then(
        () => null,
        (error: unknown) => (error instanceof NoticeDataError ? error.field : String(error)),
      );
    expect(await fieldOf({ amountCents: -100 })).toBe('amountCents');
    expect(await fieldOf({ paidAt: 'ieri' })).toBe('paidAt');
    expect(await fieldOf({ receiptId: '' })).toBe('receiptId');
    expect(await fieldOf({ noticeNumber: 'ABC' })).toBe('noticeNumber');
  });
});
