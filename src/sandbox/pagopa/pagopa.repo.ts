// All SQL of the pagoPA sandbox. Its tables hold the stand-in platform's own data, keyed by the creditor's
// fiscal code as pagoPA keys it (see migrations/0009_sandbox_pagopa.sql): read and written platform-wide.
import { type ColumnType, type Generated, type JSONColumnType, type Kysely, sql } from 'kysely';
import type { CartRequest } from '../../modules/payments/checkout-client.ts';
import type { DebtPositionStatus, PaymentPositionModel } from '../../modules/payments/gpd-client.ts';
import type { AnyDb, Db } from '../../platform/db/database.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type PagopaTables = {
  sandbox_pagopa_positions: {
    organization_fiscal_code: string;
    iupd: string;
    status: DebtPositionStatus;
    model: JSONColumnType<PaymentPositionModel>;
    validity_date: Timestamp | null;
    inserted_at: Generated<Date>;
    published_at: Timestamp | null;
    payment_date: Timestamp | null;
    updated_at: Generated<Date>;
  };
  sandbox_pagopa_options: {
    organization_fiscal_code: string;
    iuv: string;
    iupd: string;
    nav: string;
    amount_cents: number;
    is_partial_payment: boolean;
    due_date: Timestamp;
    status: ColumnType<'PO_UNPAID' | 'PO_PAID', 'PO_UNPAID' | 'PO_PAID' | undefined>;
    payment_date: Timestamp | null;
    receipt_id: string | null;
    psp_company: string | null;
  };
  sandbox_pagopa_receipts: {
    organization_fiscal_code: string;
    iuv: string;
    receipt_id: string;
    debtor: string;
    payment_date_time: Timestamp;
    document: string;
    created_at: Generated<Date>;
    delivered_at: Timestamp | null;
  };
  sandbox_pagopa_carts: {
    id: Generated<string>;
    request: JSONColumnType<CartRequest>;
    status: ColumnType<CartStatus, CartStatus | undefined>;
    created_at: Generated<Date>;
    closed_at: Timestamp | null;
  };
};

export type CartStatus = 'open' | 'paid' | 'cancelled' | 'failed';
export type Q = Kysely<PagopaTables>;
export const q = (db: AnyDb): Q => (db as Db).withTables<PagopaTables>() as unknown as Q;

export type PositionRow = Awaited<ReturnType<typeof findPosition>> & {};
export type OptionRow = Awaited<ReturnType<typeof optionsOf>>[number];

/** Serialises writers on one position (and on one creditor's IUVs) for the rest of the transaction. */
export async function lockCreditor(trx: Q, org: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`sandbox-pagopa:${org}`}))`.execute(trx);
}

export async function findPosition(db: Q, org: string, iupd: string) {
  return db
    .selectFrom('sandbox_pagopa_positions')
    .selectAll()
    .where('organization_fiscal_code', '=', org)
    .where('iupd', '=', iupd)
    .executeTakeFirst();
}

export async function optionsOf(db: Q, org: string, iupd: string) {
  return db
    .selectFrom('sandbox_pagopa_options')
    .selectAll()
    .where('organization_fiscal_code', '=', org)
    .where('iupd', '=', iupd)
    .orderBy('due_date')
    .orderBy('iuv')
    .execute();
}

export async function findOptionByNav(db: Q, org: string, nav: string) {
  return db
    .selectFrom('sandbox_pagopa_options')
    .selectAll()
    .where('organization_fiscal_code', '=', org)
    .where('nav', '=', nav)
    .executeTakeFirst();
}

/** The IUVs and notice numbers among `iuvs`/`navs` that the creditor already uses. */
export async function takenCodes(db: Q, org: string, iuvs: string[], navs: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('sandbox_pagopa_options')
    .select(['iuv', 'nav'])
    .where('organization_fiscal_code', '=', org)
    .where((eb) => eb.or([eb('iuv', 'in', iuvs), eb('nav', 'in', navs)]))
    .execute();
  return rows.map((r) => r.iuv);
}

export async function insertPosition(
  db: Q,
  row: { org: string; model: PaymentPositionModel; status: DebtPositionStatus; publishedAt: Date | null },
  options: { iuv: string; nav: string; amount: number; isPartialPayment: boolean; dueDate: string }[],
): Promise<void> {
  await db
    .insertInto('sandbox_pagopa_positions')
    .values({
      organization_fiscal_code: row.org,
      iupd: row.model.iupd,
      status: row.status,
      model: JSON.stringify(row.model),
      validity_date: row.model.validityDate ?? null,
      published_at: row.publishedAt,
      payment_date: null,
    })
    .execute();
  await db
    .insertInto('sandbox_pagopa_options')
    .values(
      options.map((o) => ({
        organization_fiscal_code: row.org,
        iuv: o.iuv,
        iupd: row.model.iupd,
        nav: o.nav,
        amount_cents: o.amount,
        is_partial_payment: o.isPartialPayment,
        due_date: o.dueDate,
        payment_date: null,
        receipt_id: null,
        psp_company: null,
      })),
    )
    .execute();
}

export async function setPositionStatus(
  db: Q,
  org: string,
  iupd: string,
  change: { status: DebtPositionStatus; publishedAt?: Date; validityDate?: Date; paymentDate?: Date },
): Promise<void> {
  await db
    .updateTable('sandbox_pagopa_positions')
    .set({
      status: change.status,
      updated_at: new Date(),
      ...(change.publishedAt ? { published_at: change.publishedAt } : {}),
      ...(change.validityDate ? { validity_date: change.validityDate } : {}),
      ...(change.paymentDate ? { payment_date: change.paymentDate } : {}),
    })
    .where('organization_fiscal_code', '=', org)
    .where('iupd', '=', iupd)
    .execute();
}

export async function markOptionPaid(
  db: Q,
  org: string,
  iuv: string,
  paid: { at: Date; receiptId: string; pspCompany: string },
): Promise<void> {
  await db
    .updateTable('sandbox_pagopa_options')
    .set({
      status: 'PO_PAID',
      payment_date: paid.at,
      receipt_id: paid.receiptId,
      psp_company: paid.pspCompany,
    })
    .where('organization_fiscal_code', '=', org)
    .where('iuv', '=', iuv)
    .execute();
}

export async function insertReceipt(
  db: Q,
  r: { org: string; iuv: string; receiptId: string; debtor: string; paidAt: Date; document: string },
): Promise<void> {
  await db
    .insertInto('sandbox_pagopa_receipts')
    .values({
      organization_fiscal_code: r.org,
      iuv: r.iuv,
      receipt_id: r.receiptId,
      debtor: r.debtor,
      payment_date_time: r.paidAt,
      document: r.document,
      delivered_at: null,
    })
    .execute();
}

export async function findReceipt(db: Q, org: string, iuv: string) {
  return db
    .selectFrom('sandbox_pagopa_receipts')
    .selectAll()
    .where('organization_fiscal_code', '=', org)
    .where('iuv', '=', iuv)
    .executeTakeFirst();
}

export async function markDelivered(db: Q, org: string, iuv: string): Promise<void> {
  await db
    .updateTable('sandbox_pagopa_receipts')
    .set({ delivered_at: new Date() })
    .where('organization_fiscal_code', '=', org)
    .where('iuv', '=', iuv)
    .execute();
}

export interface ReceiptFilter {
  debtor?: string;
  /** Payment dates from and to, inclusive (YYYY-MM-DD, Italian days). */
  from?: string;
  to?: string;
}

/** One page of a creditor's receipts, oldest payment first, and how many there are in all. */
export async function listReceipts(
  db: Q,
  org: string,
  filter: ReceiptFilter,
  page: { num: number; size: number },
) {
  let query = db.selectFrom('sandbox_pagopa_receipts').where('organization_fiscal_code', '=', org);
  const day = sql<string>`to_char(payment_date_time at time zone 'Europe/Rome', 'YYYY-MM-DD')`;
  if (filter.debtor) query = query.where('debtor', '=', filter.debtor);
  if (filter.from) query = query.where(day, '>=', filter.from);
  if (filter.to) query = query.where(day, '<=', filter.to);
  const [rows, count] = await Promise.all([
    query
      .select(['organization_fiscal_code', 'iuv', 'debtor', 'payment_date_time'])
      .orderBy('payment_date_time')
      .orderBy('iuv')
      .limit(page.size)
      .offset(page.num * page.size)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function insertCart(db: Q, request: CartRequest): Promise<string> {
  const row = await db
    .insertInto('sandbox_pagopa_carts')
    .values({ request: JSON.stringify(request), closed_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findCart(db: Q, id: string, forUpdate = false) {
  let query = db.selectFrom('sandbox_pagopa_carts').selectAll().where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function closeCart(db: Q, id: string, status: Exclude<CartStatus, 'open'>): Promise<void> {
  await db
    .updateTable('sandbox_pagopa_carts')
    .set({ status, closed_at: new Date() })
    .where('id', '=', id)
    .execute();
}
