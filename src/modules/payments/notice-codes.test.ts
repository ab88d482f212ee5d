import { describe, expect, it } from 'vitest';
import vectors from './fixtures/pagopa-notice.json' with { type: 'json' };
import {
  formatNoticeNumber,
  MAX_CODE_AMOUNT_CENTS,
  NoticeDataError,
  pagopaQrString,
  parsePagopaQrString,
  posteDataMatrix,
} from './notice-codes.ts';

describe('formatNoticeNumber', () => {
  it('groups every vector notice number by 4 (22 characters)', () => {
    for (const { noticeNumber } of vectors.noticeNumbers) {
      const printed = formatNoticeNumber(noticeNumber);
      expect(printed).toHaveLength(22);
      expect(printed.replaceAll(' ', '')).toBe(noticeNumber);
    }
    expect(formatNoticeNumber('302000000000000184')).toBe('3020 0000 0000 0001 84');
  });

  it('refuses anything but 18 digits', () => {
    expect(() => formatNoticeNumber('30200000000000018')).toThrow(/noticeNumber.*18 digits/);
  });
});

describe('pagopaQrString', () => {
  const unpadded = vectors.qrCode.examples[0]!;
  const padded = vectors.qrCode.examples[1]!;

  it('matches the unpadded vector and reads back both vector forms', () => {
    expect(pagopaQrString(unpadded.noticeNumber!, unpadded.orgFiscalCode!, unpadded.amountCents!)).toBe(
      unpadded.string,
    );
    const expected = {
      noticeNumber: '302000000000000184',
      creditorFiscalCode: '83000390019',
      amountCents: 1234,
    };
    expect(parsePagopaQrString(unpadded.string)).toEqual(expected);
    expect(parsePagopaQrString(padded.string)).toEqual(expected);
  });

  it('encodes every vector notice number', () => {
    for (const { noticeNumber } of vectors.noticeNumbers) {
      expect(pagopaQrString(noticeNumber, '83000390019', 1)).toBe(`PAGOPA|002|${noticeNumber}|83000390019|1`);
    }
  });

  it('rejects every invalid vector string', () => {
    for (const value of vectors.qrCode.invalid) {
      expect(() => parsePagopaQrString(value)).toThrow(NoticeDataError);
    }
  });

  it('names the field of bad input', () => {
    expect(() => pagopaQrString('12345678901234567X', '83000390019', 100)).toThrow(/^noticeNumber:/);
    expect(() => pagopaQrString('302000000000000184', '8300039001', 100)).toThrow(/^creditorFiscalCode:/);
    for (const amount of [0, -1, 12.5, MAX_CODE_AMOUNT_CENTS + 1, Number.NaN]) {
      expect(() => pagopaQrString('302000000000000184', '83000390019', amount)).toThrow(/^amountCents:/);
    }
  });
});

describe('posteDataMatrix', () => {
  const ioExample = vectors.posteDataMatrix.examples[0]!;
  const ownExample = vectors.posteDataMatrix.examples[1]!;
  const offsets = vectors.posteDataMatrix.offsets0based;
  const rossi = {
    noticeNumber: '302000000000000184',
    postalAccount: '12345678',
    amountCents: 1234,
    creditorFiscalCode: '83000390019',
    debtorFiscalCode: 'RSSMRA85T10A562S',
    debtorName: 'MARIO ROSSI',
    subject: 'TARI 2026 RATA UNICA',
  };

  it('reproduces the project vector exactly (256 characters)', () => {
    const value = posteDataMatrix(rossi);
    expect(value).toBe(ownExample.string);
    expect(value).toHaveLength(256);
    const field = (name: keyof typeof offsets) => value.slice(...offsets[name]).trimEnd();
    expect(field('noticeNumber')).toBe(ownExample.parsed.noticeNumber);
    expect(field('ccPostale')).toBe(ownExample.parsed.ccPostale);
    expect(field('amountCents')).toBe(ownExample.parsed.amountCents);
    expect(field('tipoDocumento')).toBe('896');
    expect(field('cfEnte')).toBe(ownExample.parsed.cfEnte);
    expect(field('cfDebitore')).toBe(ownExample.parsed.cfDebitore);
    expect(field('nominativo')).toBe('MARIO ROSSI');
    expect(field('causale')).toBe('TARI 2026 RATA UNICA');
  });

  it('agrees with the IO app vector wherever IO reads it', () => {
    const p = ioExample.parsed;
    const value = posteDataMatrix({
      noticeNumber: p.noticeNumber,
      postalAccount: p.ccPostale,
      amountCents: Number(p.amountCents),
      creditorFiscalCode: p.cfEnte,
      debtorFiscalCode: p.cfDebitore,
      debtorName: 'Name Surname',
      subject: 'test',
    });
    // The upstream string has a 39-wide name field; everything before the name is identical.
    expect(value.slice(0, 93)).toBe(ioExample.string.slice(0, 93));
    for (const [from, to] of [offsets.noticeNumber, offsets.amountCents, offsets.cfEnte]) {
      expect(value.slice(from, to)).toBe(ioExample.string.slice(from, to));
    }
  });

  it('keeps fixed widths with accents, long text and an organisation debtor', () => {
    const value = posteDataMatrix({
      ...rossi,
      debtorFiscalCode: '00085240950',
      debtorName: 'Società Cooperativa Àncora di Città della Pieve e dintorni',
      subject: 'Canone unico patrimoniale – occupazione suolo pubblico '.repeat(3),
    });
    expect(value).toHaveLength(256);
    expect(value).toMatch(/^[\x20-\x7e]+$/);
    expect(value.slice(77, 93)).toBe('00085240950     ');
    expect(value.slice(93, 133)).toBe('Societa Cooperativa Ancora di Citta dell');
    expect(value.endsWith(`${' '.repeat(12)}A`)).toBe(true);
  });

  it('names the field of bad input', () => {
    expect(() => posteDataMatrix({ ...rossi, postalAccount: '1234567890123' })).toThrow(/^postalAccount:/);
    expect(() => posteDataMatrix({ ...rossi, debtorFiscalCode: 'ROSSI' })).toThrow(/^debtorFiscalCode:/);
    expect(() => posteDataMatrix({ ...rossi, debtorName: '  ' })).toThrow(/^debtorName:/);
    expect(() => posteDataMatrix({ ...rossi, amountCents: 0 })).toThrow(/^amountCents:/);
  });
});
