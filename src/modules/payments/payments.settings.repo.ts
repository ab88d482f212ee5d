// SQL of each ente's pagoPA settings and catalogue of payable items. Writes run in the ente's tenant
// transaction; the creditor lookup by fiscal code (a receipt names its creditor) is platform-wide.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type { PaymentItem, PaymentSettings, PaymentsTables } from './payments.schema.ts';

type Q = Kysely<PaymentsTables>;
export const q = (db: AnyDb): Q => (db as Db).withTables<PaymentsTables>() as unknown as Q;

type SettingsRow = Selectable<PaymentsTables['payment_settings']>;
type ItemRow = Selectable<PaymentsTables['payment_items']>;

const toSettings = (row: SettingsRow): PaymentSettings => ({
  enteId: row.ente_id,
  creditorFiscalCode: row.creditor_fiscal_code,
  segregationCode: row.segregation_code,
  iban: row.iban,
  postalAccount: row.postal_account,
  cbill: row.cbill,
  intermediaryFiscalCode: row.intermediary_fiscal_code,
  stationId: row.station_id,
  hasGpdKey: row.gpd_key !== null,
  updatedAt: row.updated_at,
});

const toItem = (row: ItemRow): PaymentItem => ({
  code: row.code,
  label: row.label,
  kind: row.kind,
  defaultAmountCents: row.default_amount_cents === null ? null : Number(row.default_amount_cents),
  taxonomy: row.taxonomy,
  active: row.active,
});

const SETTINGS_COLUMNS = [
  'ente_id',
  'creditor_fiscal_code',
  'segregation_code',
  'iban',
  'postal_account',
  'cbill',
  'intermediary_fiscal_code',
  'station_id',
  'gpd_key',
  'updated_by',
  'created_at',
  'updated_at',
] as const;

export async function findSettings(db: AnyDb, enteId: string): Promise<PaymentSettings | undefined> {
  const row = await q(db)
    .selectFrom('payment_settings')
    .select([
      ...SETTINGS_COLUMNS,
      sql<string | null>`receipts_polled_until::text`.as('receipts_polled_until'),
    ])
    .where('ente_id', '=', enteId)
    .executeTakeFirst();
  return row && toSettings(row);
}

/** The sealed GPD key and the creditor code: what the GPD client of the ente needs. */
export async function findGpdAccess(
  db: AnyDb,
  enteId: string,
): Promise<{ creditorFiscalCode: string; sealedKey: string | null; polledUntil: string | null } | undefined> {
  const row = await q(db)
    .selectFrom('payment_settings')
    .select([
      'creditor_fiscal_code',
      'gpd_key',
      sql<string | null>`receipts_polled_until::text`.as('polled_until'),
    ])
    .where('ente_id', '=', enteId)
    .executeTakeFirst();
  return (
    row && {
      creditorFiscalCode: row.creditor_fiscal_code,
      sealedKey: row.gpd_key,
      polledUntil: row.polled_until,
    }
  );
}

export interface SettingsValues {
  creditorFiscalCode: string;
  segregationCode: string;
  iban: string;
  postalAccount: string | null;
  cbill: string | null;
  intermediaryFiscalCode: string | null;
  stationId: string | null;
  /** Sealed; undefined keeps the stored key. */
  sealedGpdKey?: string;
}

export async function upsertSettings(db: AnyDb, enteId: string, v: SettingsValues, actor: string) {
  const values = {
    creditor_fiscal_code: v.creditorFiscalCode,
    segregation_code: v.segregationCode,
    iban: v.iban,
    postal_account: v.postalAccount,
    cbill: v.cbill,
    intermediary_fiscal_code: v.intermediaryFiscalCode,
    station_id: v.stationId,
    updated_by: actor,
    updated_at: new Date(),
    ...(v.sealedGpdKey !== undefined ? { gpd_key: v.sealedGpdKey } : {}),
  };
  await q(db)
    .insertInto('payment_settings')
    .values({ ente_id: enteId, ...values })
    .onConflict((oc) => oc.column('ente_id').doUpdateSet(values))
    .execute();
}

export async function setPolledUntil(db: AnyDb, enteId: string, day: string): Promise<void> {
  await q(db)
    .updateTable('payment_settings')
    .set({ receipts_polled_until: day })
    .where('ente_id', '=', enteId)
    .execute();
}

/** Platform-wide: the ente a creditor fiscal code belongs to. */
/** Whether the ente has created any debt position (its creditor code is then fixed). */
export async function hasPositions(db: AnyDb, enteId: string): Promise<boolean> {
  const row = await q(db)
    .selectFrom('payment_positions')
    .select('id')
    .where('ente_id', '=', enteId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function enteOfCreditor(db: Db, creditorFiscalCode: string): Promise<string | undefined> {
  const row = await q(db)
    .selectFrom('payment_settings')
    .select('ente_id')
    .where('creditor_fiscal_code', '=', creditorFiscalCode)
    .executeTakeFirst();
  return row?.ente_id;
}

/** Platform-wide: the enti that take payments (for the scheduled expiry and receipts polling). */
export async function configuredEnti(db: Db): Promise<string[]> {
  const rows = await q(db).selectFrom('payment_settings').select('ente_id').execute();
  return rows.map((r) => r.ente_id);
}

export async function listItems(db: AnyDb, enteId: string, onlyActive = false): Promise<PaymentItem[]> {
  let query = q(db).selectFrom('payment_items').selectAll().where('ente_id', '=', enteId);
  if (onlyActive) query = query.where('active', '=', true);
  const rows = await query.orderBy('active', 'desc').orderBy('label').execute();
  return rows.map(toItem);
}

export async function findItem(db: AnyDb, enteId: string, code: string): Promise<PaymentItem | undefined> {
  const row = await q(db)
    .selectFrom('payment_items')
    .selectAll()
    .where('ente_id', '=', enteId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row && toItem(row);
}

/** Inserts an item; false when its code is taken. */
export async function insertItem(db: AnyDb, enteId: string, item: PaymentItem): Promise<boolean> {
  const row = await q(db)
    .insertInto('payment_items')
    .values({
      ente_id: enteId,
      code: item.code,
      label: item.label,
      kind: item.kind,
      default_amount_cents: item.defaultAmountCents,
      taxonomy: item.taxonomy,
      active: item.active,
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.columns(['ente_id', 'code']).doNothing())
    .returning('code')
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateItem(db: AnyDb, enteId: string, item: PaymentItem): Promise<boolean> {
  const result = await q(db)
    .updateTable('payment_items')
    .set({
      label: item.label,
      kind: item.kind,
      default_amount_cents: item.defaultAmountCents,
      taxonomy: item.taxonomy,
      active: item.active,
      updated_at: new Date(),
    })
    .where('ente_id', '=', enteId)
    .where('code', '=', item.code)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
