// Reconciliation: receipts recorded once (sequential and concurrent duplicates), options and positions
// paid, the "paid" event enqueued once in the reconciling transaction, receipts that cannot be credited
// flagged for operators, and expiry.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../../test/support.ts';
import { type Database, openDatabase } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { JobWorker } from '../../platform/jobs/jobs.ts';
import { expirePositions } from './payments.jobs.ts';
import type { PaidEvent } from './payments.schema.ts';
import {
  cancelDebtPosition,
  getDebtPosition,
  listReceiptIssues,
  resolveReceiptIssue,
} from './payments.service.ts';
import {
  count,
  create,
  inDays,
  newPosition,
  type PayingEnte,
  payingEnte,
  receiptFor,
} from './payments.test-support.ts';
import { onPaid, recordReceipt } from './reconcile.ts';

let database: TestDatabase;
let writers: Database;
let jesolo: PayingEnte;

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await payingEnte(database, 'jesolo');
  writers = database.url
    ? await openDatabase({ databaseUrl: database.url, dataDir: null, poolSize: 10 })
    : database;
});
afterAll(async () => {
  if (writers !== database) await writers.close();
  await database.close();
});

const position = (id: string) => getDebtPosition(database.db, jesolo.id, id);

describe('recordReceipt', () => {
  it('pays the option and the position, and enqueues the paid event in the same transaction', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const xml = receiptFor(jesolo, created.options[0]!);
    const recorded = await recordReceipt(database.db, xml, 'notification');
    expect(recorded).toMatchObject({
      status: 'recorded',
      result: 'paid',
      positionPaid: true,
      enteId: jesolo.id,
    });

    const paid = (await position(created.positionId))!;
    expect(paid.status).toBe('paid');
    expect(paid.paidAt).not.toBeNull();
    expect(paid.options[0]).toMatchObject({ status: 'paid', receiptId: recorded.receiptId });

    const jobs = await sql<{ payload: PaidEvent; created_at: Date }>`
      select payload, created_at from jobs where queue = 'payments.paid.certificates'
        and idempotency_key = ${created.positionId}`.execute(database.db);
    expect(jobs.rows).toHaveLength(1);
    expect(jobs.rows[0]!.payload).toMatchObject({
      enteId: jesolo.id,
      positionId: created.positionId,
      iupd: created.iupd,
      source: { module: 'certificates' },
      receipt: { receiptId: recorded.receiptId, iuv: created.options[0]!.iuv, amountCents: 1600 },
    });
    // now() is the transaction's start: the same instant proves the same transaction.
    const stored = await sql<{ received_at: Date }>`
      select received_at from payment_receipts where receipt_id = ${recorded.receiptId}`.execute(database.db);
    expect(jobs.rows[0]!.created_at.getTime()).toBe(stored.rows[0]!.received_at.getTime());
  });

  it('records the same receipt once, however often it arrives', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const xml = receiptFor(jesolo, created.options[0]!);
    const first = await recordReceipt(database.db, xml, 'notification');
    const second = await recordReceipt(database.db, xml, 'polling');
    expect(first.status).toBe('recorded');
    expect(second).toMatchObject({ status: 'duplicate', receiptId: first.receiptId });
    expect(await count(database.db, 'payment_receipts', { receipt_id: first.receiptId })).toBe(1);
    expect(
      await count(database.db, 'jobs', {
        idempotency_key: created.positionId,
        queue: 'payments.paid.certificates',
      }),
    ).toBe(1);
    // An ordinary receipt is its own record; only receipts that open an issue are audited.
    expect(await count(database.db, 'audit_events', { target_id: first.receiptId })).toBe(0);
    expect(await count(database.db, 'payment_receipt_issues', { receipt_id: first.receiptId })).toBe(0);
  });

  it('records concurrent duplicates once', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const xml = receiptFor(jesolo, created.options[0]!);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => recordReceipt(writers.db, xml, 'notification')),
    );
    expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(9);
    expect(await count(database.db, 'payment_receipts', { iuv: created.options[0]!.iuv })).toBe(1);
    expect(await count(database.db, 'jobs', { idempotency_key: created.positionId })).toBe(1);
  });

  it('settles instalments only when all are paid, even when their receipts arrive together', async () => {
    const created = await create(
      database.db,
      newPosition(jesolo.id, {
        options: [1, 2, 3].map((n) => ({ amountCents: 1000 * n, dueDate: inDays(10 * n) })),
      }),
    );
    const [one, two, three] = created.options;
    await recordReceipt(database.db, receiptFor(jesolo, one!), 'notification');
    expect((await position(created.positionId))!.status).toBe('pending');
    const together = await Promise.all(
      [two!, three!].map((o) => recordReceipt(writers.db, receiptFor(jesolo, o), 'notification')),
    );
    expect(together.filter((r) => r.positionPaid)).toHaveLength(1);
    const paid = (await position(created.positionId))!;
    expect(paid.status).toBe('paid');
    expect(paid.options.every((o) => o.status === 'paid')).toBe(true);
    expect(await count(database.db, 'jobs', { idempotency_key: created.positionId })).toBe(1);
  });

  it('flags a receipt for an unknown IUV for the operators and credits nothing', async () => {
    const unknown = { iuv: '47999999999999999', noticeNumber: '347999999999999999', amountCents: 5000 };
    const paidBefore = await count(database.db, 'payment_options', { status: 'paid' });
    const jobsBefore = await count(database.db, 'jobs');
    const recorded = await recordReceipt(database.db, receiptFor(jesolo, unknown), 'notification');
    expect(recorded).toMatchObject({
      status: 'recorded',
      result: 'unknown_iuv',
      positionId: null,
      positionPaid: false,
    });
    const issues = await listReceiptIssues(database.db, jesolo.id, { open: true, limit: 100, offset: 0 });
    expect(issues).toContainEqual(
      expect.objectContaining({
        receiptId: recorded.receiptId,
        kind: 'unknown_iuv',
        iuv: unknown.iuv,
        amountCents: 5000,
      }),
    );
    expect(await count(database.db, 'payment_options', { status: 'paid' })).toBe(paidBefore);
    expect(await count(database.db, 'jobs')).toBe(jobsBefore);
    expect(
      await count(database.db, 'audit_events', {
        action: 'payment.receipt.issue',
        target_id: recorded.receiptId,
      }),
    ).toBe(1);
    await resolveReceiptIssue(
      database.db,
      { subject: 'operator' },
      jesolo.id,
      recorded.receiptId,
      'Rimborsato',
    );
    const open = await listReceiptIssues(database.db, jesolo.id, { open: true, limit: 100, offset: 0 });
    expect(open.map((i) => i.receiptId)).not.toContain(recorded.receiptId);
  });

  it('credits one of two different receipts for the same instalment arriving together, flags the other', async () => {
    const created = await create(
      database.db,
      newPosition(jesolo.id, {
        options: [1, 2].map((n) => ({ amountCents: 1000 * n, dueDate: inDays(10 * n) })),
      }),
    );
    const first = created.options[0]!;
    const results = await Promise.all(
      [receiptFor(jesolo, first), receiptFor(jesolo, first)].map((xml) =>
        recordReceipt(writers.db, xml, 'notification'),
      ),
    );
    expect(results.map((r) => r.result).sort()).toEqual(['already_paid', 'paid']);
    const credited = results.find((r) => r.result === 'paid')!;
    const { rows } = await sql<{ receipt_id: string }>`
      select receipt_id from payment_options where ente_id = ${jesolo.id} and iuv = ${first.iuv}`.execute(
      database.db,
    );
    expect(rows[0]!.receipt_id).toBe(credited.receiptId);
    expect((await position(created.positionId))!.status).toBe('pending');
  });

  it('does not let the single payment settle a debt already being paid by instalments, nor cancel it', async () => {
    const created = await create(
      database.db,
      newPosition(jesolo.id, {
        options: [
          { amountCents: 3000, dueDate: inDays(10), single: true },
          { amountCents: 1000, dueDate: inDays(10) },
          { amountCents: 2000, dueDate: inDays(20) },
        ],
      }),
    );
    const [single, instalment] = created.options;
    expect((await recordReceipt(database.db, receiptFor(jesolo, instalment!), 'notification')).result).toBe(
      'paid',
    );
    const late = await recordReceipt(database.db, receiptFor(jesolo, single!), 'notification');
    expect(late.result).toBe('already_paid');
    expect((await position(created.positionId))!.status).toBe('pending');
    await expect(
      withTenant(database.db, jesolo.id, (trx) =>
        cancelDebtPosition(trx, {
          enteId: jesolo.id,
          positionId: created.positionId,
          actor: { subject: 't' },
        }),
      ),
    ).rejects.toMatchObject({ code: 'POSITION_PAID' });
    expect((await position(created.positionId))!.status).toBe('pending');
  });

  it('flags an amount that does not match, a second payment and a payment of a cancelled position', async () => {
    const a = await create(database.db, newPosition(jesolo.id));
    const wrong = await recordReceipt(
      database.db,
      receiptFor(jesolo, { ...a.options[0]!, amountCents: 1500 }),
      'notification',
    );
    expect(wrong.result).toBe('amount_mismatch');
    expect((await position(a.positionId))!.options[0]!.status).toBe('unpaid');

    await recordReceipt(database.db, receiptFor(jesolo, a.options[0]!), 'notification');
    const twice = await recordReceipt(database.db, receiptFor(jesolo, a.options[0]!), 'notification');
    expect(twice.result).toBe('already_paid');

    const b = await create(database.db, newPosition(jesolo.id));
    await withTenant(database.db, jesolo.id, (trx) =>
      cancelDebtPosition(trx, { enteId: jesolo.id, positionId: b.positionId, actor: { subject: 'test' } }),
    );
    const late = await recordReceipt(database.db, receiptFor(jesolo, b.options[0]!), 'notification');
    expect(late.result).toBe('position_closed');
    expect((await position(b.positionId))!.status).toBe('cancelled');

    const kinds = (await listReceiptIssues(database.db, jesolo.id, { open: true, limit: 100, offset: 0 }))
      .filter((i) => [wrong.receiptId, twice.receiptId, late.receiptId].includes(i.receiptId))
      .map((i) => i.kind)
      .sort();
    expect(kinds).toEqual(['already_paid', 'amount_mismatch', 'position_closed']);
  });

  it('keeps a negative outcome without paying or flagging', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const ko = await recordReceipt(
      database.db,
      receiptFor(jesolo, created.options[0]!, { outcome: 'KO' }),
      'notification',
    );
    expect(ko.result).toBe('ko');
    expect((await position(created.positionId))!.status).toBe('pending');
    expect(await count(database.db, 'payment_receipt_issues', { receipt_id: ko.receiptId })).toBe(0);
  });

  it('refuses invalid XML and creditors not served here', async () => {
    await expect(recordReceipt(database.db, '<nope', 'notification')).rejects.toMatchObject({
      code: 'INVALID_RECEIPT',
    });
    const stranger = { ...jesolo, creditorFiscalCode: '00000000000' };
    const xml = receiptFor(stranger, {
      iuv: '47000000000000101',
      noticeNumber: '347000000000000101',
      amountCents: 100,
    });
    await expect(recordReceipt(database.db, xml, 'notification')).rejects.toMatchObject({
      code: 'UNKNOWN_CREDITOR',
    });
  });
});

describe('the paid event', () => {
  it('reaches the handler the module registered, once', async () => {
    const created = await create(
      database.db,
      newPosition(jesolo.id, { source: { module: 'anagrafe', ref: 'x-1' } }),
    );
    await recordReceipt(database.db, receiptFor(jesolo, created.options[0]!), 'notification');
    const seen: PaidEvent[] = [];
    const worker = new JobWorker(database.db, { pollMs: 10, concurrency: 2 });
    onPaid(worker, 'anagrafe', async (event) => {
      seen.push(event);
    });
    await worker.runOnce();
    await worker.runOnce();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      positionId: created.positionId,
      source: { module: 'anagrafe', ref: 'x-1' },
    });
  });
});

describe('expiry', () => {
  it('expires pending positions past their last due date, never paid ones, and a late payment still counts', async () => {
    const pending = await create(database.db, newPosition(jesolo.id));
    const paid = await create(database.db, newPosition(jesolo.id));
    await recordReceipt(database.db, receiptFor(jesolo, paid.options[0]!), 'notification');
    const later = inDays(31);
    const expired = await expirePositions(database.db, jesolo.id, later);
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await position(pending.positionId))!.status).toBe('expired');
    expect((await position(paid.positionId))!.status).toBe('paid');
    expect(await expirePositions(database.db, jesolo.id, later)).toBe(0);

    const lateReceipt = await recordReceipt(database.db, receiptFor(jesolo, pending.options[0]!), 'polling');
    expect(lateReceipt.result).toBe('paid');
    expect((await position(pending.positionId))!.status).toBe('paid');
  });
});
