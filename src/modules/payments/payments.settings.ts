// Rules of an ente's pagoPA settings and of its catalogue of payable items: checks (field issues keyed
// by rule, so pages translate them), the GPD key sealed at rest, audit events. No HTTP, no SQL.
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { seal } from '../../platform/seal.ts';
import { isValidNumericFiscalCode } from '../tenancy/index.ts';
import { PaymentsErrors } from './payments.errors.ts';
import {
  compact,
  type FieldIssue,
  ITEM_CODE,
  isAmountCents,
  isItalianIban,
  type Rule,
  SEGREGATION_CODE,
  TAXONOMY,
  validationError,
} from './payments.rules.ts';
import { ITEM_KINDS, type ItemKind, type PaymentItem, STAMP_DUTY_CENTS } from './payments.schema.ts';
import * as repo from './payments.settings.repo.ts';
import { forgetCreditors } from './reconcile.ts';

export interface Actor {
  subject: string;
  requestId?: string | null;
}

export interface SettingsInput {
  creditorFiscalCode: string;
  segregationCode: string;
  iban: string;
  postalAccount: string;
  cbill: string;
  /** Optional: an ente that is its own intermediary leaves them empty. */
  intermediaryFiscalCode?: string;
  stationId?: string;
  /** Empty keeps the stored key: it is write-only. */
  gpdKey: string;
}

/** Trims and normalises what a person typed, then checks it. */
export function checkSettings(
  raw: SettingsInput,
  hasKey: boolean,
): { values: SettingsInput; issues: FieldIssue[] } {
  const values: SettingsInput = {
    creditorFiscalCode: compact(raw.creditorFiscalCode ?? ''),
    segregationCode: compact(raw.segregationCode ?? ''),
    iban: compact(raw.iban ?? ''),
    postalAccount: compact(raw.postalAccount ?? ''),
    cbill: compact(raw.cbill ?? ''),
    intermediaryFiscalCode: compact(raw.intermediaryFiscalCode ?? ''),
    stationId: (raw.stationId ?? '').trim(),
    gpdKey: (raw.gpdKey ?? '').trim(),
  };
  const issues: FieldIssue[] = [];
  const add = (field: keyof SettingsInput, rule: Rule) => issues.push({ field, rule });
  if (!isValidNumericFiscalCode(values.creditorFiscalCode)) add('creditorFiscalCode', 'enteFiscalCode');
  if (!SEGREGATION_CODE.test(values.segregationCode)) add('segregationCode', 'segregationCode');
  if (!isItalianIban(values.iban)) add('iban', 'iban');
  if (values.postalAccount && !/^[0-9]{1,12}$/.test(values.postalAccount))
    add('postalAccount', 'postalAccount');
  if (values.cbill && !/^[A-Z0-9]{5}$/.test(values.cbill)) add('cbill', 'cbill');
  if (values.intermediaryFiscalCode && !isValidNumericFiscalCode(values.intermediaryFiscalCode))
    add('intermediaryFiscalCode', 'enteFiscalCode');
  // A station is named after its intermediary: <intermediary fiscal code>_<two digits>.
  const intermediary = values.intermediaryFiscalCode || values.creditorFiscalCode;
  if (values.stationId && !new RegExp(`^${intermediary}_[0-9]{2}$`).test(values.stationId))
    add('stationId', 'stationId');
  if (values.gpdKey && !/^[\x21-\x7e]{16,200}$/.test(values.gpdKey)) add('gpdKey', 'gpdKey');
  if (!values.gpdKey && !hasKey) add('gpdKey', 'required');
  return { values, issues };
}

export async function saveSettings(
  db: Db,
  sealKey: string,
  actor: Actor,
  enteId: string,
  input: SettingsInput,
): Promise<void> {
  const before = await repo.findSettings(db, enteId);
  const { values, issues } = checkSettings(input, before?.hasGpdKey ?? false);
  if (issues.length > 0) throw validationError(issues);
  // Platform-wide lookup (another ente's row), outside the tenant transaction; the unique index
  // settles a race between two enti saving the same code at once.
  const taken = await repo.enteOfCreditor(db, values.creditorFiscalCode);
  if (taken && taken !== enteId) throw PaymentsErrors.creditorTaken();
  await withTenant(db, enteId, async (trx) => {
    // Positions name their creditor on GPD and in every receipt: a new code would orphan them.
    if (before && before.creditorFiscalCode !== values.creditorFiscalCode) {
      if (await repo.hasPositions(trx, enteId)) throw PaymentsErrors.creditorFixed();
    }
    await repo
      .upsertSettings(
        trx,
        enteId,
        {
          creditorFiscalCode: values.creditorFiscalCode,
          segregationCode: values.segregationCode,
          iban: values.iban,
          postalAccount: values.postalAccount ? values.postalAccount.padStart(12, '0') : null,
          cbill: values.cbill || null,
          intermediaryFiscalCode: values.intermediaryFiscalCode || null,
          stationId: values.stationId || null,
          ...(values.gpdKey ? { sealedGpdKey: seal(values.gpdKey, sealKey) } : {}),
        },
        actor.subject,
      )
      .catch((error: { code?: string }) => {
        throw error.code === '23505' ? PaymentsErrors.creditorTaken() : error;
      });
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: before ? 'payment.settings.update' : 'payment.settings.create',
      targetType: 'payment_settings',
      targetId: enteId,
      requestId: actor.requestId ?? null,
      // The key itself never goes into the audit log: only that it changed.
      content: {
        creditor_fiscal_code: values.creditorFiscalCode,
        segregation_code: values.segregationCode,
        iban: values.iban,
        postal_account: values.postalAccount || null,
        cbill: values.cbill || null,
        intermediary_fiscal_code: values.intermediaryFiscalCode || null,
        station_id: values.stationId || null,
        gpd_key_changed: values.gpdKey !== '',
      },
    });
  });
  // This process forgets its creditor → ente map at once; others within its TTL.
  forgetCreditors();
}

export interface ItemInput {
  code: string;
  label: string;
  kind: string;
  /** Euros as typed ("16", "16,00", "1.250,50"); empty for none. */
  amount: string;
  taxonomy: string;
  active: boolean;
}

/** Euros typed the Italian or the English way ("16", "16,50", "16.5", "1.250,00") into cents, or null. */
export function parseEuros(text: string): number | null {
  let t = text.replace(/[\s€]/g, '');
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(t)) t = t.replace(/\./g, '');
  const match = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(t);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function checkItem(raw: ItemInput): { item: PaymentItem; issues: FieldIssue[] } {
  const kind = ITEM_KINDS.find((k) => k === raw.kind);
  const amountText = (raw.amount ?? '').trim();
  let cents = amountText ? parseEuros(amountText) : null;
  if (!amountText && kind === 'stamp_duty') cents = STAMP_DUTY_CENTS;
  const item: PaymentItem = {
    code: compact(raw.code ?? ''),
    label: (raw.label ?? '').trim(),
    kind: (kind ?? 'other') as ItemKind,
    defaultAmountCents: cents,
    taxonomy: compact(raw.taxonomy ?? ''),
    active: raw.active,
  };
  const issues: FieldIssue[] = [];
  if (!ITEM_CODE.test(item.code)) issues.push({ field: 'code', rule: 'itemCode' });
  if (item.label.length < 2) issues.push({ field: 'label', rule: 'required' });
  else if (item.label.length > 140) issues.push({ field: 'label', rule: 'tooLong' });
  if (!kind) issues.push({ field: 'kind', rule: 'itemKind' });
  if (amountText && !isAmountCents(cents)) issues.push({ field: 'amount', rule: 'amount' });
  if (!TAXONOMY.test(item.taxonomy)) issues.push({ field: 'taxonomy', rule: 'taxonomy' });
  return { item, issues };
}

export async function saveItem(
  db: Db,
  actor: Actor,
  enteId: string,
  input: ItemInput,
  mode: 'create' | 'update',
): Promise<PaymentItem> {
  const { item, issues } = checkItem(input);
  if (issues.length > 0) throw validationError(issues);
  return withTenant(db, enteId, async (trx) => {
    const before = mode === 'update' ? await repo.findItem(trx, enteId, item.code) : undefined;
    if (mode === 'update' && !before) throw PaymentsErrors.itemNotFound();
    const done =
      mode === 'create' ? await repo.insertItem(trx, enteId, item) : await repo.updateItem(trx, enteId, item);
    if (!done) throw PaymentsErrors.itemExists(item.code);
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: mode === 'create' ? 'payment.item.create' : 'payment.item.update',
      targetType: 'payment_item',
      targetId: item.code,
      requestId: actor.requestId ?? null,
      content: { ...item },
    });
    return item;
  });
}

export const paymentSettings = repo.findSettings;
export const listItems = repo.listItems;
export const findItem = repo.findItem;
