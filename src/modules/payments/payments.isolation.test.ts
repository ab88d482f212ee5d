// Tenant isolation of every payments table: under withTenant one ente can neither read nor write another's
// rows, even with raw SQL that forgets the filter (row-level security); the repositories filter too.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../../test/support.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { getDebtPosition, listDebtPositions, listReceiptIssues } from './payments.service.ts';
import { findItem, paymentSettings } from './payments.settings.ts';
import { create, newPosition, type PayingEnte, payingEnte, receiptFor } from './payments.test-support.ts';
import { recordReceipt } from './reconcile.ts';

const TABLES = [
  'payment_settings',
  'payment_items',
  'payment_iuv_counters',
  'payment_positions',
  'payment_options',
  'payment_transfers',
  'payment_receipts',
  'payment_receipt_issues',
];

let database: TestDatabase;
let jesolo: PayingEnte;
let caorle: PayingEnte;
let positionId: string;

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await payingEnte(database, 'jesolo');
  caorle = await payingEnte(database, 'caorle', '02');
  const created = await create(database.db, newPosition(jesolo.id));
  positionId = created.positionId;
  await recordReceipt(database.db, receiptFor(jesolo, created.options[0]!), 'notification');
  const stray = { iuv: '47000000009999901', noticeNumber: '347000000009999901', amountCents: 100 };
  await recordReceipt(database.db, receiptFor(jesolo, stray), 'notification');
});
afterAll(() => database.close());

describe('row-level security on the payments tables', () => {
  it.each(TABLES)('%s: another ente sees none of its rows', async (table) => {
    const owner = await sql<{
      n: number;
    }>`select count(*) as n from ${sql.table(table)} where ente_id = ${jesolo.id}`.execute(database.db);
    expect(Number(owner.rows[0]!.n)).toBeGreaterThan(0);
    const seen = await withTenant(database.db, caorle.id, (trx) =>
      sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(trx),
    );
    const own = await sql<{
      n: number;
    }>`select count(*) as n from ${sql.table(table)} where ente_id = ${caorle.id}`.execute(database.db);
    expect(Number(seen.rows[0]!.n)).toBe(Number(own.rows[0]!.n));
  });

  it.each(TABLES)('%s: another ente can neither change nor add its rows', async (table) => {
    const changed = await withTenant(database.db, caorle.id, (trx) =>
      sql`update ${sql.table(table)} set ente_id = ente_id where ente_id = ${jesolo.id}`.execute(trx),
    ).then(
      (r) => Number(r.numAffectedRows),
      (e: Error) => e.message,
    );
    // No row to change, or no right to change any (receipts and transfers are append-only).
    expect(changed === 0 || /permission denied/.test(String(changed))).toBe(true);
    const row = await sql<{
      r: unknown;
    }>`select to_jsonb(t) as r from ${sql.table(table)} t where ente_id = ${jesolo.id} limit 1`.execute(
      database.db,
    );
    await expect(
      withTenant(database.db, caorle.id, (trx) =>
        sql`insert into ${sql.table(table)} select * from jsonb_populate_record(null::${sql.table(table)}, ${JSON.stringify(row.rows[0]!.r)}::jsonb)`.execute(
          trx,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('the application role may not delete payment records', async () => {
    for (const table of TABLES) {
      await expect(
        withTenant(database.db, jesolo.id, (trx) => sql`delete from ${sql.table(table)}`.execute(trx)),
      ).rejects.toThrow(/permission denied/);
    }
  });
});

describe('the repositories filter by ente', () => {
  it("never return another ente's positions, settings, items or receipts", async () => {
    expect(await getDebtPosition(database.db, caorle.id, positionId)).toBeUndefined();
    expect(await getDebtPosition(database.db, jesolo.id, positionId)).toBeDefined();
    const { items } = await listDebtPositions(database.db, caorle.id, { limit: 100, offset: 0 });
    expect(items).toEqual([]);
    expect(await listReceiptIssues(database.db, caorle.id, { open: false, limit: 100, offset: 0 })).toEqual(
      [],
    );
    expect((await paymentSettings(database.db, caorle.id))!.creditorFiscalCode).toBe(
      caorle.creditorFiscalCode,
    );
    expect((await findItem(database.db, caorle.id, 'FEE'))!.taxonomy).toBe('0101107SP');
  });

  it("routes a receipt to its creditor's ente only", async () => {
    const created = await create(database.db, newPosition(caorle.id));
    // A receipt of Jesolo naming Caorle's IUV: unknown at Jesolo, nothing paid at Caorle.
    const crossed = await recordReceipt(database.db, receiptFor(jesolo, created.options[0]!), 'notification');
    expect(crossed).toMatchObject({ enteId: jesolo.id, result: 'unknown_iuv' });
    expect((await getDebtPosition(database.db, caorle.id, created.positionId))!.status).toBe('pending');
  });
});
