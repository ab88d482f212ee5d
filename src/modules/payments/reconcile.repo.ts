// SQL of reconciliation: receipts (once each, by receipt id), the options and positions they pay, and
// the operators' worklist of receipts that need a person. Lookups go through primary keys.
import { type Selectable, sql } from 'kysely';
import type { AnyDb } from '../../platform/db/database.ts';
import type { IssueKind, PaymentsTables, PositionStatus } from './payments.schema.ts';
import { q } from './payments.settings.repo.ts';

export interface OptionToPay {
  positionId: string;
  iupd: string;
  sourceModule: string;
  sourceRef: string;
  positionStatus: PositionStatus;
  amountCents: number;
  isInstalment: boolean;
  status: 'unpaid' | 'paid';
  paidInstalments: boolean;
}

/**
 * The option an IUV identifies, with the option and its position locked for this transaction: receipts
 * of the same position (two instalments, two receipts for one option) are reconciled one after the
 * other, each seeing what the previous one committed. `paidInstalments` tells whether the debt is
 * already being paid by instalments (a later single payment would pay it twice).
 */
export async function lockOption(db: AnyDb, enteId: string, iuv: string): Promise<OptionToPay | undefined> {
  const result = await sql<{
    position_id: string;
    iupd: string;
    source_module: string;
    source_ref: string;
    position_status: OptionToPay['positionStatus'];
    amount_cents: number;
    is_instalment: boolean;
    status: 'unpaid' | 'paid';
    paid_instalments: boolean;
  }>`
    select o.position_id, p.iupd, p.source_module, p.source_ref, p.status as position_status,
      o.amount_cents, o.is_instalment, o.status,
      exists (select 1 from payment_options i
        where i.ente_id = o.ente_id and i.position_id = o.position_id and i.is_instalment and i.status = 'paid'
      ) as paid_instalments
    from payment_options o
    join payment_positions p on p.ente_id = o.ente_id and p.id = o.position_id
    where o.ente_id = ${enteId} and o.iuv = ${iuv}
    for update of o, p`.execute(db);
  const row = result.rows[0];
  return (
    row && {
      positionId: row.position_id,
      iupd: row.iupd,
      sourceModule: row.source_module,
      sourceRef: row.source_ref,
      positionStatus: row.position_status,
      amountCents: Number(row.amount_cents),
      isInstalment: row.is_instalment,
      status: row.status,
      paidInstalments: row.paid_instalments,
    }
  );
}

/** Stores a receipt unless its id is known; true when this call stored it. */
export async function insertReceipt(
  db: AnyDb,
  row: Omit<PaymentsTables['payment_receipts'], 'received_at'>,
): Promise<boolean> {
  const inserted = await q(db)
    .insertInto('payment_receipts')
    .values(row)
    .onConflict((oc) => oc.columns(['ente_id', 'receipt_id']).doNothing())
    .returning('receipt_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Marks the option paid and, in the same statement, its position when the debt is settled: a single
 * payment settles it, an instalment when no other instalment is left unpaid. True when the position
 * became paid now. (The position row is locked by lockOption, so instalments paid together queue.)
 */
export async function payOption(
  db: AnyDb,
  enteId: string,
  iuv: string,
  receiptId: string,
  paidAt: Date,
): Promise<boolean> {
  const result = await sql<{ id: string }>`
    with paid as (
      update payment_options set status = 'paid', paid_at = ${paidAt}, receipt_id = ${receiptId}
      where ente_id = ${enteId} and iuv = ${iuv} and status = 'unpaid'
      returning position_id, is_instalment
    )
    update payment_positions p set status = 'paid', paid_at = ${paidAt}, updated_at = now()
    from paid
    where p.ente_id = ${enteId} and p.id = paid.position_id and p.status in ('pending', 'expired')
      and (not paid.is_instalment or not exists (
        select 1 from payment_options o
        where o.ente_id = ${enteId} and o.position_id = paid.position_id and o.iuv <> ${iuv}
          and o.is_instalment and o.status = 'unpaid'))
    returning p.id`.execute(db);
  return result.rows.length > 0;
}

export async function insertIssue(db: AnyDb, enteId: string, receiptId: string, kind: IssueKind) {
  await q(db)
    .insertInto('payment_receipt_issues')
    .values({ ente_id: enteId, receipt_id: receiptId, kind })
    .execute();
}

/** Which of these IUVs already have a receipt (the polling fallback fetches only the others). */
export async function iuvsWithReceipts(db: AnyDb, enteId: string, iuvs: string[]): Promise<Set<string>> {
  if (iuvs.length === 0) return new Set();
  const rows = await q(db)
    .selectFrom('payment_receipts')
    .select('iuv')
    .where('ente_id', '=', enteId)
    .where('iuv', 'in', iuvs)
    .where('outcome', '=', 'OK')
    .execute();
  return new Set(rows.map((r) => r.iuv));
}

export interface ReceiptIssue {
  receiptId: string;
  kind: IssueKind;
  iuv: string;
  noticeNumber: string | null;
  amountCents: number;
  paymentAt: Date | null;
  pspName: string | null;
  positionId: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  note: string | null;
}

type IssueRow = Selectable<PaymentsTables['payment_receipt_issues']> &
  Pick<
    Selectable<PaymentsTables['payment_receipts']>,
    'iuv' | 'notice_number' | 'amount_cents' | 'payment_at' | 'psp_name' | 'position_id'
  >;

const toIssue = (r: IssueRow): ReceiptIssue => ({
  receiptId: r.receipt_id,
  kind: r.kind,
  iuv: r.iuv,
  noticeNumber: r.notice_number,
  amountCents: Number(r.amount_cents),
  paymentAt: r.payment_at,
  pspName: r.psp_name,
  positionId: r.position_id,
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  note: r.note,
});

/** The receipts an operator must look at, oldest first; resolved ones too when asked. */
export async function listIssues(
  db: AnyDb,
  enteId: string,
  filter: { open: boolean; limit: number; offset: number },
): Promise<ReceiptIssue[]> {
  let query = q(db)
    .selectFrom('payment_receipt_issues as i')
    .innerJoin('payment_receipts as r', (j) =>
      j.onRef('r.ente_id', '=', 'i.ente_id').onRef('r.receipt_id', '=', 'i.receipt_id'),
    )
    .selectAll('i')
    .select(['r.iuv', 'r.notice_number', 'r.amount_cents', 'r.payment_at', 'r.psp_name', 'r.position_id'])
    .where('i.ente_id', '=', enteId);
  if (filter.open) query = query.where('i.resolved_at', 'is', null);
  const rows = await query.orderBy('i.created_at').limit(filter.limit).offset(filter.offset).execute();
  return rows.map(toIssue);
}

export async function resolveIssue(
  db: AnyDb,
  enteId: string,
  receiptId: string,
  by: string,
  note: string | null,
): Promise<boolean> {
  const result = await q(db)
    .updateTable('payment_receipt_issues')
    .set({ resolved_at: new Date(), resolved_by: by, note })
    .where('ente_id', '=', enteId)
    .where('receipt_id', '=', receiptId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The stored receipt XML (for the citizen's receipt download), by receipt id. */
export async function findReceiptXml(
  db: AnyDb,
  enteId: string,
  receiptId: string,
): Promise<string | undefined> {
  const row = await q(db)
    .selectFrom('payment_receipts')
    .select('xml')
    .where('ente_id', '=', enteId)
    .where('receipt_id', '=', receiptId)
    .executeTakeFirst();
  return row?.xml;
}
