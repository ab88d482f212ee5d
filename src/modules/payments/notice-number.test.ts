import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkDigits,
  isValidNoticeNumber,
  iuvOf,
  noticeNumberOf,
  parseNoticeNumber,
} from './notice-number.ts';

interface Vector {
  auxDigit: string;
  segregationCode?: string;
  applicationCode?: string;
  iuvBase: string;
  checkDigit: string | null;
  iuv: string;
  noticeNumber: string;
}
const vectors = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, 'fixtures/pagopa-notice.json'), 'utf8'),
) as {
  noticeNumbers: Vector[];
  independentlyValidExamples: { noticeNumber: string }[];
  examplesWithInvalidCheckDigits: { noticeNumber: string }[];
};

describe('notice numbers (SACI, aux digit 3)', () => {
  it('generates every aux-3 vector from its segregation code and base', () => {
    const aux3 = vectors.noticeNumbers.filter((v) => v.auxDigit === '3');
    expect(aux3.length).toBeGreaterThanOrEqual(4);
    for (const v of aux3) {
      const iuv = iuvOf(v.segregationCode!, Number(v.iuvBase));
      expect(iuv, v.noticeNumber).toBe(v.iuv);
      expect(noticeNumberOf(iuv)).toBe(v.noticeNumber);
      expect(iuv.slice(-2)).toBe(v.checkDigit);
    }
  });

  it('validates and parses every vector, whatever its aux digit', () => {
    for (const v of vectors.noticeNumbers) {
      const parsed = parseNoticeNumber(v.noticeNumber);
      expect(parsed, v.noticeNumber).toMatchObject({
        auxDigit: v.auxDigit,
        iuv: v.iuv,
        checkDigit: v.checkDigit,
      });
      if (v.auxDigit === '3') expect(parsed!.segregationCode).toBe(v.segregationCode);
      if (v.auxDigit === '0') expect(parsed!.applicationCode).toBe(v.applicationCode);
    }
    for (const { noticeNumber } of vectors.independentlyValidExamples) {
      expect(isValidNoticeNumber(noticeNumber), noticeNumber).toBe(true);
    }
  });

  it('refuses wrong check digits, wrong shapes and unknown aux digits', () => {
    for (const { noticeNumber } of vectors.examplesWithInvalidCheckDigits) {
      expect(isValidNoticeNumber(noticeNumber), noticeNumber).toBe(false);
    }
    expect(isValidNoticeNumber('30200000000000018')).toBe(false); // 17 digits
    expect(isValidNoticeNumber('30200000000000018X')).toBe(false);
    expect(isValidNoticeNumber('402000000000000184')).toBe(false);
    expect(isValidNoticeNumber('302000000000000185')).toBe(false); // one off
  });

  it('computes mod 93 exactly beyond 2^53', () => {
    expect(checkDigits('3999999999999999')).toBe(String(3999999999999999n % 93n).padStart(2, '0'));
    expect(iuvOf('99', 9_999_999_999_999)).toBe(
      `999999999999999${String(3999999999999999n % 93n).padStart(2, '0')}`,
    );
  });

  it('refuses bases and segregation codes out of range', () => {
    expect(() => iuvOf('1', 1)).toThrow(RangeError);
    expect(() => iuvOf('01', 10_000_000_000_000)).toThrow(RangeError);
    expect(() => iuvOf('01', -1)).toThrow(RangeError);
    expect(() => iuvOf('01', 1.5)).toThrow(RangeError);
  });
});
