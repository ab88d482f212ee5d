// The checks of a new debt position, before anything is written: each problem names its field as the
// caller sent it (options.0.amountCents, debtor.fiscalCode…), all of them at once.
import { isValidFiscalCode } from '../registry/index.ts';
import { isValidNumericFiscalCode } from '../tenancy/index.ts';
import {
  EMAIL,
  type FieldIssue,
  isAmountCents,
  isIsoDate,
  isValidIban,
  type Rule,
  TAXONOMY,
} from './payments.rules.ts';
import type { PaymentItem } from './payments.schema.ts';

export interface NewTransfer {
  amountCents: number;
  /** Causale of this transfer; the position's description when absent. */
  remittance?: string;
  /** pagoPA taxonomy code; the item's when absent. */
  taxonomy?: string;
  /** Another creditor's fiscal code, for a multi-beneficiary payment. */
  beneficiaryFiscalCode?: string;
  iban?: string;
  postalIban?: string;
  /** A digital stamp (marca da bollo digitale) instead of an account. */
  stamp?: { type: string; hashDocument: string; province: string };
}

export interface NewOption {
  amountCents: number;
  /** YYYY-MM-DD, Italian calendar day, today or later. */
  dueDate: string;
  description?: string;
  /**
   * A single payment of the whole debt. With one option it is the default; with several, options are
   * instalments and at most one may be marked as the single-payment alternative.
   */
  single?: boolean;
  /** 1 to 5; when absent, one transfer of the whole amount to the ente's IBAN. */
  transfers?: NewTransfer[];
}

export interface NewDebtPosition {
  enteId: string;
  source: { module: string; ref: string };
  debtor: { fiscalCode: string; fullName: string; email?: string | null };
  itemCode?: string;
  description: string;
  options: NewOption[];
  /** The position's id at pagoPA; `<ente fiscal code>-<uuid>` when absent. */
  iupd?: string;
  actor?: { subject: string; requestId?: string | null };
}

export const MODULE_NAME = /^[a-z][a-z0-9_-]{1,40}$/;
export const IUPD = /^[A-Za-z0-9_.-]{1,60}$/;
const STAMP = { type: /^[0-9]{2}$/, province: /^[A-Z]{2}$/ };

export function debtorType(fiscalCode: string): 'F' | 'G' | null {
  if (fiscalCode === 'ANONIMO' || isValidFiscalCode(fiscalCode)) return 'F';
  if (isValidNumericFiscalCode(fiscalCode)) return 'G';
  return null;
}

const text = (value: unknown, max: number) =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= max;

export function checkNewPosition(
  input: NewDebtPosition,
  context: { item: PaymentItem | null | undefined; today: string },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, rule: Rule) => issues.push({ field, rule });
  if (!MODULE_NAME.test(String(input.source?.module))) add('source.module', 'module');
  if (!text(input.source?.ref, 200)) add('source.ref', 'required');
  if (debtorType(String(input.debtor?.fiscalCode)) === null) add('debtor.fiscalCode', 'debtorFiscalCode');
  if (!text(input.debtor?.fullName, 140)) add('debtor.fullName', 'required');
  const email = input.debtor?.email;
  if (email && !(email.length <= 254 && EMAIL.test(email))) add('debtor.email', 'email');
  if (!text(input.description, 140)) add('description', 'required');
  if (input.iupd !== undefined && !IUPD.test(input.iupd)) add('iupd', 'iupd');
  const { item } = context;
  if (input.itemCode !== undefined && !item?.active) add('itemCode', 'unknownItem');
  const options = Array.isArray(input.options) ? input.options : [];
  if (options.length < 1 || options.length > 100) add('options', 'options');
  if (options.filter((o) => o.single).length > 1) add('options', 'singleOption');
  options.forEach((option, i) => {
    const at = `options.${i}`;
    if (!isAmountCents(option.amountCents)) add(`${at}.amountCents`, 'amount');
    if (!isIsoDate(option.dueDate)) add(`${at}.dueDate`, 'date');
    else if (option.dueDate < context.today) add(`${at}.dueDate`, 'pastDate');
    if (option.description !== undefined && !text(option.description, 140))
      add(`${at}.description`, 'tooLong');
    if (option.transfers === undefined) {
      if (item?.kind === 'stamp_duty') add(`${at}.transfers`, 'stampNeeded');
      else if (input.itemCode === undefined) add('itemCode', 'category');
      return;
    }
    checkTransfers(option, at, input.itemCode !== undefined, add);
  });
  // One message per field is enough.
  return issues.filter((issue, i) => issues.findIndex((o) => o.field === issue.field) === i);
}

function checkTransfers(option: NewOption, at: string, hasItem: boolean, add: (f: string, r: Rule) => void) {
  const transfers = Array.isArray(option.transfers) ? option.transfers : [];
  if (transfers.length < 1 || transfers.length > 5) {
    add(`${at}.transfers`, 'transfers');
    return;
  }
  let sum = 0;
  transfers.forEach((t, j) => {
    const field = `${at}.transfers.${j}`;
    if (!isAmountCents(t.amountCents)) add(`${field}.amountCents`, 'amount');
    else sum += t.amountCents;
    if (t.remittance !== undefined && !text(t.remittance, 140)) add(`${field}.remittance`, 'tooLong');
    if (t.taxonomy !== undefined ? !TAXONOMY.test(t.taxonomy) : !hasItem)
      add(`${field}.taxonomy`, 'taxonomy');
    if (t.beneficiaryFiscalCode !== undefined && !isValidNumericFiscalCode(t.beneficiaryFiscalCode)) {
      add(`${field}.beneficiaryFiscalCode`, 'enteFiscalCode');
    }
    if (t.iban !== undefined && !isValidIban(t.iban)) add(`${field}.iban`, 'foreignIban');
    if (t.postalIban !== undefined && !isValidIban(t.postalIban)) add(`${field}.postalIban`, 'foreignIban');
    // Neither an account nor a stamp: the ente's own IBAN, which another beneficiary cannot use.
    const account = t.iban !== undefined || t.postalIban !== undefined;
    if ((account && t.stamp) || (!account && !t.stamp && t.beneficiaryFiscalCode))
      add(field, 'transferTarget');
    if (t.stamp && !isStamp(t.stamp)) add(`${field}.stamp`, 'stamp');
  });
  if (isAmountCents(option.amountCents) && sum !== option.amountCents) add(`${at}.transfers`, 'transfersSum');
}

const isStamp = (s: NonNullable<NewTransfer['stamp']>) =>
  STAMP.type.test(String(s.type)) &&
  STAMP.province.test(String(s.province)) &&
  typeof s.hashDocument === 'string' &&
  s.hashDocument.length >= 1 &&
  s.hashDocument.length <= 72;
