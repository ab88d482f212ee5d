// Publication on GPD: the model sent, the platform unreachable (the position stays pending and the job
// is retried with back-off), a refusal, a re-run after a crash, cancellations; and the receipts polling.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../../test/support.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { findJob, JobWorker } from '../../platform/jobs/jobs.ts';
import { GpdClient, GpdError, type PaymentPositionModel } from './gpd-client.ts';
import type { GpdFactory, GpdPort } from './gpd-sync.ts';
import { registerPaymentJobs } from './payments.jobs.ts';
import { cancelDebtPosition, getDebtPosition } from './payments.service.ts';
import {
  count,
  create,
  GPD_KEY,
  inDays,
  newPosition,
  type PayingEnte,
  payingEnte,
  receiptFor,
  SEAL_KEY,
} from './payments.test-support.ts';
import { pollReceipts } from './reconcile.polling.ts';

let database: TestDatabase;
let jesolo: PayingEnte;

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await payingEnte(database, 'jesolo');
});
afterAll(() => database.close());

/** A stand-in for GPD that records the calls and answers as told. */
class FakeGpd implements GpdPort {
  calls: string[] = [];
  created: PaymentPositionModel[] = [];
  keys: string[] = [];
  fail: GpdError | null = null;
  receipts = new Map<string, string>();
  status: PaymentPositionModel['status'] = 'VALID';

  factory: GpdFactory = (key) => {
    this.keys.push(key);
    return this;
  };
  #call(name: string) {
    this.calls.push(name);
    if (this.fail) throw this.fail;
  }
  async createPosition(_org: string, position: PaymentPositionModel, _toPublish?: boolean) {
    this.#call(`create ${position.iupd}`);
    this.created.push(position);
    return position;
  }
  async publishPosition(_org: string, iupd: string) {
    this.#call(`publish ${iupd}`);
    return {} as PaymentPositionModel;
  }
  async invalidatePosition(_org: string, iupd: string) {
    this.#call(`invalidate ${iupd}`);
    return {} as PaymentPositionModel;
  }
  async getPosition(_org: string, iupd: string) {
    this.#call(`get ${iupd}`);
    return { iupd, status: this.status };
  }
  async listReceipts(_org: string, q: { from?: string; to?: string }) {
    this.#call(`list ${q.from}..${q.to}`);
    return { iuvs: [...this.receipts.keys()], totalPages: 1 };
  }
  async getReceipt(_org: string, iuv: string) {
    this.#call(`receipt ${iuv}`);
    return this.receipts.get(iuv)!;
  }
}

const workerWith = (gpd: GpdFactory) => {
  const worker = new JobWorker(database.db, { pollMs: 10, concurrency: 4 });
  registerPaymentJobs(worker, { db: database.db, sealKey: SEAL_KEY, gpd });
  return worker;
};
const syncJob = async (positionId: string, action = 'publish') =>
  (
    await sql<{
      id: string;
    }>`select id from jobs where idempotency_key = ${`${positionId}:${action}`}`.execute(database.db)
  ).rows[0]!.id;
const makeDue = (id: string) => sql`update jobs set run_at = now() where id = ${id}`.execute(database.db);
const position = (id: string) => getDebtPosition(database.db, jesolo.id, id);
const cancel = (positionId: string) =>
  withTenant(database.db, jesolo.id, (trx) =>
    cancelDebtPosition(trx, { enteId: jesolo.id, positionId, actor: { subject: 'test' } }),
  );

describe('GPD publication', () => {
  it('creates and publishes the position with the unsealed key, as GPD models it', async () => {
    const gpd = new FakeGpd();
    const created = await create(
      database.db,
      newPosition(jesolo.id, { options: [{ amountCents: 2221, dueDate: '2099-07-15' }] }),
    );
    await workerWith(gpd.factory).runOnce();
    expect(gpd.keys).toContain(GPD_KEY);
    const model = gpd.created.find((m) => m.iupd === created.iupd)!;
    expect(model).toMatchObject({
      type: 'F',
      fiscalCode: 'ZNTGLI84C52L736W',
      companyName: 'Comune di Jesolo',
      switchToExpired: true,
      paymentOption: [
        {
          iuv: created.options[0]!.iuv,
          amount: 2221,
          isPartialPayment: false,
          dueDate: '2099-07-15T23:59:59+02:00',
          transfer: [{ idTransfer: '1', amount: 2221, category: '9/0101107SP/', iban: jesolo.iban }],
        },
      ],
    });
    expect((await position(created.positionId))!.gpd).toMatchObject({
      state: 'published',
      attempts: 1,
      error: null,
    });
  });

  it('keeps the position pending while GPD is unreachable and retries with back-off', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    // A real client towards a closed port: the network error of an unreachable platform.
    const unreachable: GpdFactory = (key) =>
      new GpdClient({
        baseUrl: 'http://127.0.0.1:9',
        receiptsBaseUrl: 'http://127.0.0.1:9',
        subscriptionKey: key,
        timeoutMs: 2000,
      });
    await workerWith(unreachable).runOnce();
    const waiting = (await position(created.positionId))!;
    expect(waiting.status).toBe('pending');
    expect(waiting.gpd).toMatchObject({ state: 'queued', attempts: 1 });
    expect(waiting.gpd.error).toMatch(/unreachable/);
    const id = await syncJob(created.positionId);
    const job = (await findJob(database.db, jesolo.id, id))!;
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
    expect(job.run_at.getTime()).toBeGreaterThan(Date.now() + 500);

    const gpd = new FakeGpd();
    await makeDue(id);
    await workerWith(gpd.factory).runOnce();
    expect((await position(created.positionId))!.gpd).toMatchObject({
      state: 'published',
      attempts: 2,
      error: null,
    });
  });

  it('marks the position failed when GPD refuses it, without retrying', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const gpd = new FakeGpd();
    gpd.fail = new GpdError('POST …/debtpositions: 400 invalid fiscal code', 400, null, false);
    await workerWith(gpd.factory).runOnce();
    const failed = (await position(created.positionId))!;
    expect(failed.status).toBe('failed');
    expect(failed.gpd).toMatchObject({ state: 'failed' });
    expect(failed.gpd.error).toMatch(/400/);
    expect((await findJob(database.db, jesolo.id, await syncJob(created.positionId)))!.status).toBe('done');
    expect(
      await count(database.db, 'audit_events', {
        action: 'payment.position.fail',
        target_id: created.positionId,
      }),
    ).toBe(1);
  });

  it('keeps retrying while GPD refuses the key (the ente’s configuration, not the position)', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const gpd = new FakeGpd();
    gpd.fail = new GpdError('POST …/debtpositions: 401 invalid subscription key', 401, null, false);
    await workerWith(gpd.factory).runOnce();
    const waiting = (await position(created.positionId))!;
    expect(waiting.status).toBe('pending');
    expect(waiting.gpd).toMatchObject({ state: 'queued', attempts: 1 });
    expect((await findJob(database.db, jesolo.id, await syncJob(created.positionId)))!.status).toBe('queued');
  });

  it('invalidates on GPD a cancelled position whose publication failed but may have reached GPD', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const gpd = new FakeGpd();
    gpd.fail = new GpdError('POST …/debtpositions: timeout', null, null, true);
    await workerWith(gpd.factory).runOnce(); // GPD may have created it before the timeout
    await cancel(created.positionId);
    gpd.fail = null;
    gpd.calls.length = 0;
    await makeDue(await syncJob(created.positionId));
    const worker = workerWith(gpd.factory);
    await worker.runOnce();
    await worker.runOnce();
    expect(gpd.calls).toContain(`invalidate ${created.iupd}`);
    expect((await position(created.positionId))!.gpd.state).toBe('invalidated');
  });

  it('publishes a draft left by an earlier run that stopped after creating it', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const gpd = new FakeGpd();
    gpd.status = 'DRAFT';
    gpd.createPosition = async (_org, p) => {
      gpd.calls.push(`create ${p.iupd}`);
      throw new GpdError('409', 409, null, false);
    };
    await workerWith(gpd.factory).runOnce();
    expect(gpd.calls).toEqual([`create ${created.iupd}`, `get ${created.iupd}`, `publish ${created.iupd}`]);
    expect((await position(created.positionId))!.gpd.state).toBe('published');
  });

  it('withdraws a position cancelled before publication without calling GPD, and invalidates a published one', async () => {
    const early = await create(database.db, newPosition(jesolo.id));
    await cancel(early.positionId);
    const gpd = new FakeGpd();
    await workerWith(gpd.factory).runOnce();
    expect(gpd.calls.filter((c) => c.includes(early.iupd))).toEqual([]);
    expect((await position(early.positionId))!.gpd.state).toBe('withdrawn');

    const late = await create(database.db, newPosition(jesolo.id));
    await workerWith(gpd.factory).runOnce();
    await cancel(late.positionId);
    await workerWith(gpd.factory).runOnce();
    expect(gpd.calls.filter((c) => c.includes(late.iupd))).toEqual([
      `create ${late.iupd}`,
      `invalidate ${late.iupd}`,
    ]);
    expect((await position(late.positionId))!).toMatchObject({
      status: 'cancelled',
      gpd: { state: 'invalidated' },
    });
  });

  it('takes back a position cancelled while it was being published', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const gpd = new FakeGpd();
    const create0 = gpd.createPosition.bind(gpd);
    gpd.createPosition = async (org: string, p: PaymentPositionModel, toPublish?: boolean) => {
      await cancel(created.positionId);
      return create0(org, p, toPublish);
    };
    await workerWith(gpd.factory).runOnce();
    expect(gpd.calls.filter((c) => c.includes(created.iupd))).toEqual([
      `create ${created.iupd}`,
      `invalidate ${created.iupd}`,
    ]);
    expect((await position(created.positionId))!.gpd.state).toBe('invalidated');
  });
});

describe('receipts polling', () => {
  it('records the receipts not notified, once, and moves the cursor', async () => {
    const created = await create(
      database.db,
      newPosition(jesolo.id, { options: [{ amountCents: 700, dueDate: inDays(3) }] }),
    );
    const gpd = new FakeGpd();
    gpd.receipts.set(created.options[0]!.iuv, receiptFor(jesolo, created.options[0]!));
    const deps = { db: database.db, sealKey: SEAL_KEY, gpd: gpd.factory };
    const first = await pollReceipts(deps, jesolo.id, new Date('2030-05-10T10:00:00Z'));
    expect(first).toMatchObject({ listed: 1, fetched: 1, recorded: 1, refused: 0 });
    expect(gpd.calls).toContain('list 2030-05-03..2030-05-10');
    expect((await position(created.positionId))!.status).toBe('paid');
    const stored = await sql<{
      via: string;
    }>`select via from payment_receipts where iuv = ${created.options[0]!.iuv}`.execute(database.db);
    expect(stored.rows).toEqual([{ via: 'polling' }]);

    const second = await pollReceipts(deps, jesolo.id, new Date('2030-05-11T10:00:00Z'));
    expect(second).toMatchObject({ listed: 1, fetched: 0 });
    expect(gpd.calls).toContain('list 2030-05-09..2030-05-11');
  });
});
