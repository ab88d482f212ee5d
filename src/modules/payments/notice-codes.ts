// The machine-readable codes printed on a pagoPA payment notice: the QR string read by apps and bank
// channels, and the Poste Italiane DataMatrix of the postal section ("Manuale della stampa in proprio").
// Layouts: ../shared/reference/specs-interop.md §3.2. Check digits of the notice number belong to the
// generator of the notice number; here only the shape the encodings need is checked, because notices
// of positions created elsewhere (GPD test data included) must still print.

/** Input that cannot be encoded; `field` names the offending field. */
export class NoticeDataError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'NoticeDataError';
  }
}

/** The largest amount the fixed-width fields can carry: 10 digits of cents. */
export const MAX_CODE_AMOUNT_CENTS = 9_999_999_999;

const NOTICE_NUMBER = /^[0-9]{18}$/;
const ORGANIZATION_FISCAL_CODE = /^[0-9]{11}$/;
const PERSON_FISCAL_CODE = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;
const POSTAL_ACCOUNT = /^[0-9]{1,12}$/;

export function assertNoticeNumber(value: string, field = 'noticeNumber'): void {
  if (!NOTICE_NUMBER.test(value)) {
    throw new NoticeDataError(field, `a notice number has exactly 18 digits, got "${value}"`);
  }
}

export function assertCreditorFiscalCode(value: string, field = 'creditorFiscalCode'): void {
  if (!ORGANIZATION_FISCAL_CODE.test(value)) {
    throw new NoticeDataError(field, `an ente's fiscal code has exactly 11 digits, got "${value}"`);
  }
}

export function assertAmountCents(value: number, field = 'amountCents'): void {
  if (!Number.isSafeInteger(value) || value <= 0 || value > MAX_CODE_AMOUNT_CENTS) {
    throw new NoticeDataError(
      field,
      `an amount is a whole number of cents between 1 and ${MAX_CODE_AMOUNT_CENTS}, got ${value}`,
    );
  }
}

export function assertDebtorFiscalCode(value: string, field = 'debtorFiscalCode'): void {
  if (!PERSON_FISCAL_CODE.test(value.toUpperCase()) && !ORGANIZATION_FISCAL_CODE.test(value)) {
    throw new NoticeDataError(field, `not a fiscal code (16 characters, or 11 digits): "${value}"`);
  }
}

export function assertPostalAccount(value: string, field = 'postalAccount'): void {
  if (!POSTAL_ACCOUNT.test(value)) {
    throw new NoticeDataError(field, `a postal account number has 1 to 12 digits, got "${value}"`);
  }
}

/** The notice number as printed: groups of 4 digits ("3020 0000 0000 0001 84"). */
export function formatNoticeNumber(noticeNumber: string): string {
  assertNoticeNumber(noticeNumber);
  return noticeNumber.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/**
 * `PAGOPA|002|<notice number>|<ente fiscal code>|<amount in cents>`, amount unpadded as in the
 * avvisi guide and pagoPA's own notice generator.
 */
export function pagopaQrString(
  noticeNumber: string,
  creditorFiscalCode: string,
  amountCents: number,
): string {
  assertNoticeNumber(noticeNumber);
  assertCreditorFiscalCode(creditorFiscalCode);
  assertAmountCents(amountCents);
  return `PAGOPA|002|${noticeNumber}|${creditorFiscalCode}|${amountCents}`;
}

export interface PagopaQrData {
  noticeNumber: string;
  creditorFiscalCode: string;
  amountCents: number;
}

/** Reads a QR string back; accepts unpadded and zero-padded amounts (both circulate). */
export function parsePagopaQrString(value: string): PagopaQrData {
  const match = /^PAGOPA\|002\|([0-9]{18})\|([0-9]{11})\|([0-9]{1,11})$/.exec(value);
  if (!match) throw new NoticeDataError('qrString', `not a pagoPA QR string (PAGOPA|002|…): "${value}"`);
  const amountCents = Number(match[3]);
  assertAmountCents(amountCents, 'qrString.amount');
  return { noticeNumber: match[1]!, creditorFiscalCode: match[2]!, amountCents };
}

export interface PosteDataMatrixInput {
  noticeNumber: string;
  /** The ente's postal current account (conto corrente postale), up to 12 digits. */
  postalAccount: string;
  amountCents: number;
  creditorFiscalCode: string;
  /** A person's 16-character code or an organisation's 11 digits. */
  debtorFiscalCode: string;
  debtorName: string;
  subject: string;
}

export const POSTE_DATAMATRIX_LENGTH = 256;

/** Fixed-width fields hold single-byte characters only: accents dropped, anything else becomes a space. */
function fixedText(value: string, width: number): string {
  const ascii = value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.slice(0, width).padEnd(width, ' ');
}

/**
 * The Poste DataMatrix content (256 characters):
 * `codfase=NBPA;` 18<notice> 12<account> 10<amount> 3 896 1P1 <ente CF> <debtor CF> <name 40> <subject 110>
 * 12 spaces `A`.
 */
export function posteDataMatrix(input: PosteDataMatrixInput): string {
  assertNoticeNumber(input.noticeNumber);
  assertPostalAccount(input.postalAccount);
  assertAmountCents(input.amountCents);
  assertCreditorFiscalCode(input.creditorFiscalCode);
  assertDebtorFiscalCode(input.debtorFiscalCode);
  const debtor = input.debtorFiscalCode.toUpperCase();
  if (fixedText(input.debtorName, 40).trim() === '') {
    throw new NoticeDataError('debtorName', 'the debtor name is empty');
  }
  const codeline =
    `18${input.noticeNumber}` +
    `12${input.postalAccount.padStart(12, '0')}` +
    `10${String(input.amountCents).padStart(10, '0')}` +
    '3896';
  const value =
    `codfase=NBPA;${codeline}1P1${input.creditorFiscalCode}${debtor.padEnd(16, ' ')}` +
    `${fixedText(input.debtorName, 40)}${fixedText(input.subject, 110)}${' '.repeat(12)}A`;
  if (value.length !== POSTE_DATAMATRIX_LENGTH) throw new Error(`DataMatrix length ${value.length}`);
  return value;
}
