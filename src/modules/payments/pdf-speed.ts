// Rendering speed of the payment documents in this process, for bench/payments.ts: sequential renders
// after a warm-up (fonts parsed, code paths compiled), so the figure is per core.
import { type PaymentNotice, renderPaymentNotice } from './notice-pdf.ts';
import { type PaymentReceiptDoc, renderReceiptPdf } from './receipt-pdf.ts';

const SAMPLE_NOTICE: PaymentNotice = {
  lang: 'it',
  creditor: { name: 'Comune di Venezia', fiscalCode: '00339370272', sector: 'Settore Tributi' },
  debtor: {
    fiscalCode: 'RSSMRA85T10A562S',
    fullName: 'Mario Rossi',
    address: 'Cannaregio 1234, 30121 Venezia',
  },
  subject: 'TARI 2026 – tassa sui rifiuti',
  amountCents: 1250,
  dueDate: '2026-12-31',
  noticeNumber: '302000000000000184',
};

const SAMPLE_RECEIPT: PaymentReceiptDoc = {
  lang: 'it',
  creditor: { name: 'Comune di Venezia', fiscalCode: '00339370272' },
  payer: { fullName: 'Mario Rossi', fiscalCode: 'RSSMRA85T10A562S' },
  subject: 'TARI 2026 – tassa sui rifiuti',
  noticeNumber: '302000000000000184',
  iuv: '02000000000000184',
  amountCents: 1250,
  paidAt: '2026-11-23T09:15:00Z',
  pspCompanyName: 'Banca di Prova S.p.A.',
  receiptId: 'c9a1f0e2b7d34e1f9a0b1c2d3e4f5a6b',
};

async function perSecond(count: number, render: (i: number) => Promise<Buffer>): Promise<number> {
  for (let i = 0; i < 20; i++) await render(i);
  const start = performance.now();
  for (let i = 0; i < count; i++) await render(i);
  return count / ((performance.now() - start) / 1000);
}

export interface DocumentRenderingFigures {
  noticesPerSecond: number;
  noticesWithPostalPerSecond: number;
  receiptsPerSecond: number;
}

/** Documents per second, one process, one at a time; `count` renders of each kind. */
export async function measureDocumentRendering(count = 200): Promise<DocumentRenderingFigures> {
  const postal = { account: '12345678', holder: 'Comune di Venezia – Servizio Tesoreria' };
  // Vary the notice number so no cache can serve a repeated document.
  const number = (i: number) => `30200000${String(i).padStart(8, '0')}00`;
  return {
    noticesPerSecond: await perSecond(count, (i) =>
      renderPaymentNotice({ ...SAMPLE_NOTICE, noticeNumber: number(i) }),
    ),
    noticesWithPostalPerSecond: await perSecond(count, (i) =>
      renderPaymentNotice({ ...SAMPLE_NOTICE, noticeNumber: number(i), postal }),
    ),
    receiptsPerSecond: await perSecond(count, (i) =>
      renderReceiptPdf({ ...SAMPLE_RECEIPT, noticeNumber: number(i) }),
    ),
  };
}
