// Pure rules of the payments area: IBANs, dates in Italian time, and the field checks shared by the
// service (API errors in English) and the admin pages (messages through i18n, keyed by the rule).
import { type FieldError, PlatformErrors } from '../../platform/errors.ts';
import { MAX_AMOUNT_CENTS } from './payments.schema.ts';

export const RULE_MESSAGES = {
  required: 'is required',
  tooLong: 'is too long',
  enteFiscalCode: 'is not the 11-digit fiscal code of an ente (check digit included)',
  debtorFiscalCode: 'is not a valid fiscal code (16 characters for a person, 11 digits for a body)',
  segregationCode: 'is not a 2-digit segregation code',
  iban: 'is not a valid Italian IBAN',
  foreignIban: 'is not a valid IBAN',
  postalAccount: 'is not a postal account number (up to 12 digits)',
  cbill: 'is not a 5-character CBILL code',
  stationId: 'is not a station of the intermediary (<its fiscal code>_<two digits>)',
  gpdKey: 'is not a subscription key (16 to 200 visible characters)',
  itemCode: 'is 2 to 32 capital letters, digits, hyphens or underscores',
  itemKind: 'is not one of the kinds of payable item',
  unknownItem: 'is not an active item of the catalogue',
  amount: `is not an amount between 1 cent and ${MAX_AMOUNT_CENTS} cents`,
  taxonomy: 'is not a pagoPA taxonomy code (7 digits and 2 capital letters, e.g. 0101101IM)',
  date: 'is not a date (YYYY-MM-DD)',
  pastDate: 'is in the past',
  email: 'is not an e-mail address',
  iupd: 'is 1 to 60 letters, digits, dots, hyphens or underscores',
  module: 'is not a module name',
  options: 'needs between 1 and 100 payment options',
  singleOption: 'has more than one single-payment option',
  transfers: 'needs between 1 and 5 transfers',
  transfersSum: 'do not add up to the amount of the option',
  transferTarget: 'has both an account and a stamp, or another beneficiary without its own IBAN',
  stampNeeded: 'needs a stamp transfer with the hash of the document, for a stamp duty',
  stamp: 'is not a digital stamp (type 2 digits, document hash up to 72 characters, province 2 letters)',
  category: 'needs an item of the catalogue or a taxonomy code on each transfer',
} as const;
export type Rule = keyof typeof RULE_MESSAGES;
export interface FieldIssue {
  field: string;
  rule: Rule;
}

/** The validation error of the platform (problem+json with `errors`), with English messages. */
export const validationError = (issues: FieldIssue[]) =>
  PlatformErrors.validation(
    issues.map(({ field, rule }): FieldError => ({ field, message: RULE_MESSAGES[rule] })),
  );

export const isAmountCents = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_AMOUNT_CENTS;

/** ISO 13616: move the first four characters to the end, letters to numbers, the whole mod 97 is 1. */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const char of moved) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

export const isItalianIban = (iban: string) =>
  /^IT[0-9]{2}[A-Z][0-9]{10}[0-9A-Z]{12}$/.test(iban) && isValidIban(iban);

/** Spaces removed, capitals: how people copy IBANs and codes. */
export const compact = (text: string) => text.replace(/\s+/g, '').toUpperCase();

export const TAXONOMY = /^[0-9]{7}[A-Z]{2}$/;
export const ITEM_CODE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;
export const SEGREGATION_CODE = /^[0-9]{2}$/;
export const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]{2,}$/;

export function isIsoDate(text: unknown): text is string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** The last second of an Italian calendar day as an RFC 3339 instant (GPD's dueDate is a date-time). */
export function endOfDayInRome(date: string): string {
  const noonUtc = new Date(`${date}T12:00:00Z`);
  const hourInRome = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hour: '2-digit', hourCycle: 'h23' }).format(
      noonUtc,
    ),
  );
  const offset = hourInRome - 12; // +1 in winter, +2 in summer
  return `${date}T23:59:59+0${offset}:00`;
}
