// SQL of the daily reconciliation report: what happened to an ente's payments between two instants
// (an Italian calendar day). Every query is filtered by ente_id and bounded by the instants.
import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { IssueKind, ReceiptResult } from './payments.schema.ts';

export interface ReceiptGroup {
  /** The item of the position the receipt paid; null without one (or without a position). */
  itemCode: string | null;
  result: ReceiptResult;
  count: number;
  totalCents: number;
}

export async function receiptsBetween(
  db: AnyDb,
  enteId: string,
  from: Date,
  to: Date,
): Promise<ReceiptGroup[]> {
  const result = await sql<{ item_code: string | null; result: ReceiptResult; n: number; total: number }>`
    select p.item_code, r.result, count(*) as n, coalesce(sum(r.amount_cents), 0) as total
    from payment_receipts r
    left join payment_positions p on p.ente_id = r.ente_id and p.id = r.position_id
    where r.ente_id = ${enteId} and r.received_at >= ${from} and r.received_at < ${to}
    group by p.item_code, r.result
    order by p.item_code nulls last, r.result`.execute(db);
  return result.rows.map((r) => ({
    itemCode: r.item_code,
    result: r.result,
    count: Number(r.n),
    totalCents: Number(r.total),
  }));
}

export async function issuesOpenedBetween(
  db: AnyDb,
  enteId: string,
  from: Date,
  to: Date,
): Promise<{ kind: IssueKind; count: number }[]> {
  const result = await sql<{ kind: IssueKind; n: number }>`
    select kind, count(*) as n from payment_receipt_issues
    where ente_id = ${enteId} and created_at >= ${from} and created_at < ${to}
    group by kind order by kind`.execute(db);
  return result.rows.map((r) => ({ kind: r.kind, count: Number(r.n) }));
}

/**
 * Positions that became paid, and that expired, between the instants. Expiry is read from the last
 * change of an expired position: the daily job is what changes it, so the two coincide.
 */
export async function positionsSettledBetween(db: AnyDb, enteId: string, from: Date, to: Date) {
  const result = await sql<{ paid: number; expired: number }>`
    select
      count(*) filter (where status = 'paid' and paid_at >= ${from} and paid_at < ${to}) as paid,
      count(*) filter (where status = 'expired' and updated_at >= ${from} and updated_at < ${to}) as expired
    from payment_positions
    where ente_id = ${enteId}
      and ((paid_at >= ${from} and paid_at < ${to}) or (status = 'expired' and updated_at >= ${from} and updated_at < ${to}))`.execute(
    db,
  );
  const row = result.rows[0];
  return { paid: Number(row?.paid ?? 0), expired: Number(row?.expired ?? 0) };
}
