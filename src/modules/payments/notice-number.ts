// IUV and notice number (codice avviso) by the pagoPA SACI rules (italia/pagopa-codici-docs, chapter 2).
// This platform generates aux digit 3 only: notice = 3 + segregation(2) + base(13) + check(2), and the
// IUV is the 17 digits after the aux digit. The check digits are the concatenation 3+segregation+base
// taken mod 93, zero-padded. Validation also understands aux 0, 1 and 2, which other systems print.

export const AUX_DIGIT = '3';
/** The largest IUV base: 13 digits. */
export const MAX_IUV_BASE = 9_999_999_999_999;

/** A decimal string of any length taken mod 93 (digit by digit: 16+ digits exceed 2^53). */
function mod93(digits: string): number {
  let rest = 0;
  for (const char of digits) rest = (rest * 10 + (char.charCodeAt(0) - 48)) % 93;
  return rest;
}

export const checkDigits = (digits: string) => String(mod93(digits)).padStart(2, '0');

export const isSegregationCode = (code: string) => /^[0-9]{2}$/.test(code);

/** The 17-digit IUV of a base (1 … 9,999,999,999,999) under a segregation code. */
export function iuvOf(segregationCode: string, base: number): string {
  if (!isSegregationCode(segregationCode)) throw new RangeError('segregation code must be 2 digits');
  if (!Number.isSafeInteger(base) || base < 0 || base > MAX_IUV_BASE) {
    throw new RangeError('IUV base must be an integer of at most 13 digits');
  }
  const prefix = segregationCode + String(base).padStart(13, '0');
  return prefix + checkDigits(AUX_DIGIT + prefix);
}

export const noticeNumberOf = (iuv: string) => AUX_DIGIT + iuv;

export interface ParsedNotice {
  auxDigit: '0' | '1' | '2' | '3';
  /** Aux 3: the segregation code; aux 0: the application code. */
  segregationCode: string | null;
  applicationCode: string | null;
  iuv: string;
  checkDigit: string | null;
}

/** The parts of an 18-digit notice number whose check digits are right, or null. */
export function parseNoticeNumber(notice: string): ParsedNotice | null {
  if (!/^[0-3][0-9]{17}$/.test(notice)) return null;
  const aux = notice[0] as ParsedNotice['auxDigit'];
  const tail = notice.slice(1);
  if (aux === '1') {
    return { auxDigit: aux, segregationCode: null, applicationCode: null, iuv: tail, checkDigit: null };
  }
  const body = tail.slice(0, 15);
  const check = tail.slice(15);
  if (checkDigits(aux + body) !== check) return null;
  if (aux === '0') {
    const applicationCode = tail.slice(0, 2);
    return { auxDigit: aux, segregationCode: null, applicationCode, iuv: tail.slice(2), checkDigit: check };
  }
  const segregationCode = aux === '3' ? tail.slice(0, 2) : null;
  return { auxDigit: aux, segregationCode, applicationCode: null, iuv: tail, checkDigit: check };
}

export const isValidNoticeNumber = (notice: string) => parseNoticeNumber(notice) !== null;
