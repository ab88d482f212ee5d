// SQL reads of debt positions with their options and transfers, filtered by ente_id (first wall). Dates
// are read as text (YYYY-MM-DD): the PostgreSQL and PGlite drivers turn date columns into different Dates.
import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type {
  DebtPosition,
  PaymentOption,
  PaymentsTables,
  PositionStatus,
  Transfer,
} from './payments.schema.ts';
import { q } from './payments.settings.repo.ts';

type Tables = PaymentsTables;

const POSITION_COLUMNS = [
  'ente_id',
  'id',
  'iupd',
  'source_module',
  'source_ref',
  'item_code',
  'debtor_type',
  'debtor_fiscal_code',
  'debtor_name',
  'debtor_email',
  'description',
  'status',
  'gpd_state',
  'gpd_attempts',
  'gpd_error',
  'gpd_synced_at',
  'created_at',
  'updated_at',
  'paid_at',
] as const;
type PositionRow = Pick<Selectable<Tables['payment_positions']>, (typeof POSITION_COLUMNS)[number]> & {
  due_date: string;
};

function toPosition(row: PositionRow, options: DebtPosition['options']): DebtPosition {
  return {
    id: row.id,
    enteId: row.ente_id,
    iupd: row.iupd,
    source: { module: row.source_module, ref: row.source_ref },
    itemCode: row.item_code,
    debtor: {
      type: row.debtor_type,
      fiscalCode: row.debtor_fiscal_code,
      fullName: row.debtor_name,
      email: row.debtor_email,
    },
    description: row.description,
    dueDate: row.due_date,
    status: row.status,
    gpd: {
      state: row.gpd_state,
      attempts: row.gpd_attempts,
      error: row.gpd_error,
      syncedAt: row.gpd_synced_at,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    paidAt: row.paid_at,
    options,
  };
}

const positions = (db: AnyDb, enteId: string) =>
  q(db)
    .selectFrom('payment_positions')
    .select([...POSITION_COLUMNS, sql<string>`due_date::text`.as('due_date')])
    .where('ente_id', '=', enteId);

async function optionsOf(db: AnyDb, enteId: string, positionIds: string[], withTransfers: boolean) {
  if (positionIds.length === 0) return new Map<string, DebtPosition['options']>();
  const rows = await q(db)
    .selectFrom('payment_options')
    .select([
      'position_id',
      'iuv',
      'notice_number',
      'seq',
      'is_instalment',
      'amount_cents',
      'description',
      sql<string>`due_date::text`.as('due_date'),
      'status',
      'paid_at',
      'receipt_id',
    ])
    .where('ente_id', '=', enteId)
    .where('position_id', 'in', positionIds)
    .orderBy('position_id')
    .orderBy('seq')
    .execute();
  const transfers = new Map<string, Transfer[]>();
  if (withTransfers && rows.length > 0) {
    const transferRows = await q(db)
      .selectFrom('payment_transfers')
      .selectAll()
      .where('ente_id', '=', enteId)
      .where(
        'iuv',
        'in',
        rows.map((r) => r.iuv),
      )
      .orderBy('iuv')
      .orderBy('transfer_id')
      .execute();
    for (const t of transferRows) {
      const list = transfers.get(t.iuv) ?? [];
      list.push({
        transferId: t.transfer_id,
        amountCents: Number(t.amount_cents),
        remittance: t.remittance,
        taxonomy: t.taxonomy,
        beneficiaryFiscalCode: t.beneficiary_fiscal_code,
        iban: t.iban,
        postalIban: t.postal_iban,
        stamp: t.stamp_hash
          ? { type: t.stamp_type!, hashDocument: t.stamp_hash, province: t.stamp_province! }
          : null,
      });
      transfers.set(t.iuv, list);
    }
  }
  const byPosition = new Map<string, DebtPosition['options']>();
  for (const r of rows) {
    const option: PaymentOption & { transfers: Transfer[] } = {
      iuv: r.iuv,
      noticeNumber: r.notice_number,
      seq: r.seq,
      isInstalment: r.is_instalment,
      amountCents: Number(r.amount_cents),
      description: r.description,
      dueDate: r.due_date,
      status: r.status,
      paidAt: r.paid_at,
      receiptId: r.receipt_id,
      transfers: transfers.get(r.iuv) ?? [],
    };
    const list = byPosition.get(r.position_id) ?? [];
    list.push(option);
    byPosition.set(r.position_id, list);
  }
  return byPosition;
}

export async function findPosition(
  db: AnyDb,
  enteId: string,
  by: { id: string } | { iupd: string },
): Promise<DebtPosition | undefined> {
  let query = positions(db, enteId);
  query = 'id' in by ? query.where('id', '=', by.id) : query.where('iupd', '=', by.iupd);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const options = await optionsOf(db, enteId, [row.id], true);
  return toPosition(row, options.get(row.id) ?? []);
}

export interface PositionFilter {
  status?: PositionStatus;
  debtorFiscalCode?: string;
  sourceModule?: string;
  itemCode?: string;
  /** Due dates from and to (YYYY-MM-DD, both included). */
  dueFrom?: string;
  dueTo?: string;
  limit: number;
  offset: number;
}

/** A page of positions, newest first, with their options (not their transfers). */
export async function listPositions(
  db: AnyDb,
  enteId: string,
  filter: PositionFilter,
): Promise<{ items: DebtPosition[]; total: number }> {
  const matching = (eb: ExpressionBuilder<Tables, 'payment_positions'>) => {
    const conditions = [eb('ente_id', '=', enteId)];
    if (filter.status) conditions.push(eb('status', '=', filter.status));
    if (filter.debtorFiscalCode) conditions.push(eb('debtor_fiscal_code', '=', filter.debtorFiscalCode));
    if (filter.sourceModule) conditions.push(eb('source_module', '=', filter.sourceModule));
    if (filter.itemCode) conditions.push(eb('item_code', '=', filter.itemCode));
    if (filter.dueFrom) conditions.push(eb('due_date', '>=', filter.dueFrom));
    if (filter.dueTo) conditions.push(eb('due_date', '<=', filter.dueTo));
    return eb.and(conditions);
  };
  const query = positions(db, enteId).where(matching);
  const count = q(db)
    .selectFrom('payment_positions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(matching);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const options = await optionsOf(
    db,
    enteId,
    rows.map((r) => r.id),
    false,
  );
  const total = Number((await count.executeTakeFirstOrThrow()).n);
  return { items: rows.map((r) => toPosition(r, options.get(r.id) ?? [])), total };
}

/** Records where the position stands on GPD; `onlyIf` guards against a concurrent cancellation. */
