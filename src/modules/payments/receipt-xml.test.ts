import { describe, expect, it } from 'vitest';
import {
  amountToCents,
  centsToAmount,
  isoInstant,
  parseReceipt,
  type Receipt,
  ReceiptError,
  receiptXml,
  romeDateTime,
} from './receipt-xml.ts';

const receipt: Receipt = {
  receiptId: 'c3f1d2a4b5e64f7a8b9c0d1e2f3a4b5c',
  noticeNumber: '302000000000000184',
  iuv: '02000000000000184',
  organizationFiscalCode: '00339370272',
  amountCents: 1601,
  outcome: 'OK',
  paymentDateTime: '2025-03-30T00:30:05.000Z',
  pspCompanyName: 'Banca di prova & C.',
  debtorFiscalCode: 'RSSMRA80A01L736T',
  description: 'Imposta di bollo <certificato> di residenza',
};

/** The receipt as XML with one field's text replaced (the first occurrence of `<tag>…</tag>`). */
const withField = (tag: string, value: string, xml = receiptXml(receipt)) =>
  xml.replace(new RegExp(`<${tag}>[^<]*</${tag}>`), `<${tag}>${value}</${tag}>`);

const rejects = (xml: string, reason: RegExp) => {
  expect(() => parseReceipt(xml)).toThrow(ReceiptError);
  expect(() => parseReceipt(xml)).toThrow(reason);
};

describe('receipt XML', () => {
  it('refuses unterminated comments, CDATA and processing instructions, however many', () => {
    for (const piece of ['<!--', '<?', '<![CDATA[']) {
      expect(() => parseReceipt(`<a>${piece.repeat(20_000)}`)).toThrow('malformed XML');
    }
  });

  it('round-trips a receipt through the paSendRTV2 document', () => {
    const xml = receiptXml(receipt, { companyName: 'Comune di Venezia', debtorFullName: 'Mario Rossi' });
    expect(xml).toContain(
      '<pafn:paSendRTV2Req xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd">',
    );
    expect(xml).toContain('<paymentAmount>16.01</paymentAmount>');
    // Italian local time, with its offset: 00:30 UTC on the day summer time starts is 01:30 CET.
    expect(xml).toContain('<paymentDateTime>2025-03-30T01:30:05+01:00</paymentDateTime>');
    expect(xml).toContain('&lt;certificato&gt;');
    expect(parseReceipt(xml)).toEqual(receipt);
  });

  it('writes an unknown debtor as ANONIMO and reads it back as null', () => {
    const anonymous = { ...receipt, debtorFiscalCode: null };
    const xml = receiptXml(anonymous);
    expect(xml).toContain('<entityUniqueIdentifierValue>ANONIMO</entityUniqueIdentifierValue>');
    expect(parseReceipt(xml).debtorFiscalCode).toBeNull();
  });

  it('keeps several transfers that add up to the amount, and refuses ones that do not', () => {
    const transfers = [
      {
        idTransfer: 1,
        amountCents: 1000,
        fiscalCodePA: '00339370272',
        iban: 'IT60X0542811101000000123456',
        remittanceInformation: 'Diritti',
        transferCategory: '9/0101100IM/',
      },
      {
        idTransfer: 2,
        amountCents: 601,
        fiscalCodePA: '80415740580',
        remittanceInformation: 'Bollo',
        transferCategory: '9/0301116TS/',
      },
    ];
    expect(parseReceipt(receiptXml(receipt, { transfers })).amountCents).toBe(1601);
    expect(() => receiptXml(receipt, { transfers: [transfers[0]!] })).toThrow(/do not add up/);
  });

  it('reads amounts into integer cents exactly, without floating point', () => {
    expect(amountToCents('0.01')).toBe(1);
    expect(amountToCents('1234567.89')).toBe(123456789);
    expect(amountToCents('999999999.99')).toBe(99999999999);
    expect(centsToAmount(10)).toBe('0.10');
    expect(centsToAmount(123456789)).toBe('1234567.89');
    for (const bad of ['16', '16.0', '16.001', '1,60', '-1.00', '1e3', ' 1.00x', '1000000000.00']) {
      expect(() => amountToCents(bad), bad).toThrow(ReceiptError);
    }
  });

  it('reads local times without an offset as Italian time, across summer time', () => {
    expect(isoInstant('2024-07-01T12:00:00')).toBe('2024-07-01T10:00:00.000Z');
    expect(isoInstant('2024-01-15T12:00:00.250')).toBe('2024-01-15T11:00:00.250Z');
    expect(isoInstant('2024-01-15T12:00:00Z')).toBe('2024-01-15T12:00:00.000Z');
    expect(isoInstant('2024-01-15T12:00:00-05:30')).toBe('2024-01-15T17:30:00.000Z');
    expect(romeDateTime('2024-10-27T00:30:00Z')).toBe('2024-10-27T02:30:00+02:00');
    expect(romeDateTime('2024-10-27T01:30:00Z')).toBe('2024-10-27T02:30:00+01:00');
    for (const bad of ['2024-02-30T10:00:00', '2024-01-01T24:00:00', '2024-01-01 10:00:00', '2024-01-01']) {
      expect(() => isoInstant(bad), bad).toThrow(ReceiptError);
    }
  });

  it('refuses DTDs and entity declarations (no XXE, no entity expansion)', () => {
    const xml = receiptXml(receipt);
    const body = xml.replace('<?xml version="1.0" encoding="UTF-8"?>', '');
    rejects(`<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${body}`, /DTD/);
    rejects(`<?xml version="1.0"?><!doctype r>${body}`, /DTD/);
    rejects(withField('description', '&x;'), /malformed/);
  });

  it('refuses malformed documents and foreign roots', () => {
    const xml = receiptXml(receipt);
    rejects('', /empty/);
    rejects('non è XML', /before the root/);
    rejects(xml.replace('</receipt>', ''), /malformed/);
    rejects(`${xml}<altro/>`, /malformed/);
    rejects(`${xml} coda`, /outside the root/);
    rejects(xml.replaceAll('pafn:paSendRTV2Req', 'pafn:paSendRTReq'), /root element/);
    rejects(xml.replace(/xmlns:pafn="[^"]+"/, 'xmlns:pafn="urn:altro"'), /root element/);
    rejects(`<a>${'x'.repeat(300 * 1024)}</a>`, /too large/);
  });

  it('refuses missing, repeated and badly formatted fields, naming them', () => {
    const xml = receiptXml(receipt);
    rejects(xml.replace(/<receiptId>[^<]*<\/receiptId>/, ''), /<receiptId> is missing/);
    rejects(
      xml.replace('<outcome>OK</outcome>', '<outcome>OK</outcome><outcome>OK</outcome>'),
      /<outcome> is repeated/,
    );
    rejects(withField('outcome', 'MAYBE'), /<outcome> is not valid/);
    rejects(withField('noticeNumber', '30200000000000018'), /<noticeNumber> is not valid/);
    rejects(withField('noticeNumber', '302000000000000185'), /not the IUV/);
    rejects(withField('fiscalCode', '0033937027X'), /<fiscalCode> is not valid/);
    rejects(withField('idPA', '00000000000'), /<idPA> is not the creditor/);
    rejects(withField('paymentAmount', '16.010'), /<paymentAmount> is not valid/);
    rejects(withField('paymentAmount', '0.00'), /must be positive/);
    rejects(withField('paymentDateTime', 'ieri'), /<paymentDateTime> is not valid/);
    rejects(withField('description', ''), /<description> is not valid/);
    rejects(withField('description', 'x'.repeat(141)), /<description> is not valid/);
    rejects(xml.replace('<description>', '<description><b>x</b>'), /text only/);
    rejects(
      xml.replace(/<transferList>[\s\S]*<\/transferList>/, '<transferList></transferList>'),
      /1 to 5 transfers/,
    );
  });

  it('builds only receipts it can read back', () => {
    expect(() => receiptXml({ ...receipt, amountCents: 0 })).toThrow(ReceiptError);
    expect(() => receiptXml({ ...receipt, amountCents: 16.5 })).toThrow(ReceiptError);
    expect(() => receiptXml({ ...receipt, organizationFiscalCode: 'ABC' })).toThrow(ReceiptError);
    expect(() => receiptXml({ ...receipt, paymentDateTime: 'non una data' })).toThrow(ReceiptError);
  });
});
