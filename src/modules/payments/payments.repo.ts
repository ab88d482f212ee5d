// SQL of debt positions, their payment options and transfers, and the IUV counters. Every query is
// filtered by ente_id (first wall); writes run in the ente's tenant transaction (second wall, RLS).
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { GpdState, PaymentsTables, PositionStatus } from './payments.schema.ts';
import { q } from './payments.settings.repo.ts';

type Tables = PaymentsTables;

/**
 * Reserves `count` consecutive IUV bases and returns the first. The counter row stays locked until the
 * caller's transaction ends, so concurrent creations queue here and never share a number; a rollback
 * returns the numbers.
 */
export async function reserveIuvBases(
  db: AnyDb,
  enteId: string,
  segregationCode: string,
  count: number,
): Promise<number> {
  const result = await sql<{ last_base: number }>`
    insert into payment_iuv_counters as c (ente_id, segregation_code, last_base)
    values (${enteId}, ${segregationCode}, ${count})
    on conflict (ente_id, segregation_code) do update set last_base = c.last_base + excluded.last_base
    returning last_base`.execute(db);
  return Number(result.rows[0]!.last_base) - count + 1;
}

export async function findLiveBySource(
  db: AnyDb,
  enteId: string,
  module: string,
  ref: string,
): Promise<string | undefined> {
  const row = await q(db)
    .selectFrom('payment_positions')
    .select('id')
    .where('ente_id', '=', enteId)
    .where('source_module', '=', module)
    .where('source_ref', '=', ref)
    .where('status', 'in', ['pending', 'paid'])
    .executeTakeFirst();
  return row?.id;
}

export type NewPositionRow = Omit<
  Tables['payment_positions'],
  | 'id'
  | 'status'
  | 'gpd_state'
  | 'gpd_attempts'
  | 'gpd_error'
  | 'gpd_synced_at'
  | 'created_at'
  | 'updated_at'
  | 'paid_at'
>;

export async function insertPosition(db: AnyDb, row: NewPositionRow): Promise<string> {
  const inserted = await q(db)
    .insertInto('payment_positions')
    .values({ ...row, updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function insertOptions(
  db: AnyDb,
  options: Omit<Tables['payment_options'], 'status' | 'paid_at' | 'receipt_id'>[],
  transfers: Tables['payment_transfers'][],
): Promise<void> {
  await q(db).insertInto('payment_options').values(options).execute();
  await q(db).insertInto('payment_transfers').values(transfers).execute();
}

export async function setGpdState(
  db: AnyDb,
  enteId: string,
  id: string,
  change: { state?: GpdState; error: string | null; attempted?: boolean; status?: PositionStatus },
  onlyIf?: { status: PositionStatus[] },
): Promise<boolean> {
  let query = q(db)
    .updateTable('payment_positions')
    .set({
      ...(change.state ? { gpd_state: change.state } : {}),
      ...(change.status ? { status: change.status } : {}),
      gpd_error: change.error,
      ...(change.attempted ? { gpd_attempts: sql<number>`gpd_attempts + 1` } : {}),
      ...(change.state === 'published' || change.state === 'invalidated'
        ? { gpd_synced_at: new Date() }
        : {}),
      updated_at: new Date(),
    })
    .where('ente_id', '=', enteId)
    .where('id', '=', id);
  if (onlyIf) query = query.where('status', 'in', onlyIf.status);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Cancels an unpaid position; returns false when it is paid, partly paid (an instalment: the money
 * collected would be orphaned) or already cancelled.
 */
export async function cancelPosition(db: AnyDb, enteId: string, id: string): Promise<boolean> {
  const result = await q(db)
    .updateTable('payment_positions')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'expired', 'failed'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('payment_options')
            .select('iuv')
            .where('payment_options.ente_id', '=', enteId)
            .where('payment_options.position_id', '=', id)
            .where('payment_options.status', '=', 'paid'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Pending positions whose last due date is before `today` become expired; returns their ids. */
export async function expireDue(db: AnyDb, enteId: string, today: string): Promise<string[]> {
  const rows = await q(db)
    .updateTable('payment_positions')
    .set({ status: 'expired', updated_at: new Date() })
    .where('ente_id', '=', enteId)
    .where('status', '=', 'pending')
    .where('due_date', '<', today)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
