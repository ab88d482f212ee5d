import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, type TestDatabase, testDatabase } from '../../../test/support.ts';
import { backoffMs, enqueue, findJob, type JobRow, JobWorker } from './jobs.ts';

let database: TestDatabase;
let dolo: string;

beforeAll(async () => {
  database = await testDatabase();
  dolo = await enteId(database, 'dolo');
});
afterAll(() => database.close());

const worker = (concurrency = 4) => new JobWorker(database.db, { pollMs: 10, concurrency });
/** Makes a job due now (the worker respects run_at, so retries would otherwise wait their back-off). */
const makeDue = (id: string) => sql`update jobs set run_at = now() where id = ${id}`.execute(database.db);

describe('job queue', () => {
  it('runs a job once and marks it done', async () => {
    const seen: JobRow[] = [];
    const w = worker();
    w.register('test.ok', async (job) => {
      seen.push(job);
    });
    const { id } = await enqueue(database.db, dolo, 'test.ok', { n: 1 });
    expect(await w.runOnce()).toBe(1);
    expect(await w.runOnce()).toBe(0);
    expect(seen.map((j) => j.payload)).toEqual([{ n: 1 }]);
    expect((await findJob(database.db, dolo, id))?.status).toBe('done');
  });

  it('de-duplicates by idempotency key', async () => {
    const first = await enqueue(database.db, dolo, 'test.idem', {}, { idempotencyKey: 'k1' });
    const second = await enqueue(database.db, dolo, 'test.idem', {}, { idempotencyKey: 'k1' });
    expect(second).toEqual({ id: first.id, created: false });
    const other = await enqueue(database.db, dolo, 'test.idem', {}, { idempotencyKey: 'k2' });
    expect(other.created).toBe(true);
  });

  it('retries with back-off, then gives up as dead after max attempts', async () => {
    let calls = 0;
    const w = worker();
    w.register('test.flaky', async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    });
    const { id } = await enqueue(database.db, dolo, 'test.flaky', {}, { maxAttempts: 3 });
    await w.runOnce();
    let job = await findJob(database.db, dolo, id);
    expect(job).toMatchObject({ status: 'queued', attempts: 1, last_error: 'failure 1' });
    expect(job!.run_at.getTime()).toBeGreaterThan(Date.now() + 500); // waits ~2 s before the next try
    expect(await w.runOnce()).toBe(0);
    await makeDue(id);
    await w.runOnce();
    await makeDue(id);
    await w.runOnce();
    job = await findJob(database.db, dolo, id);
    expect(job).toMatchObject({ status: 'dead', attempts: 3, last_error: 'failure 3' });
    expect(calls).toBe(3);
  });

  it('grows the back-off exponentially with jitter', () => {
    expect(backoffMs(1, () => 0.5)).toBe(2000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(30, () => 0.5)).toBe(3_600_000);
    expect(backoffMs(2, () => 0)).toBe(3200);
  });

  it('enqueues only if the surrounding transaction commits', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueue(trx, dolo, 'test.tx', {}, { idempotencyKey: 'rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const rows = await sql<{
      n: number;
    }>`select count(*) as n from jobs where idempotency_key = 'rolled-back'`.execute(database.db);
    expect(Number(rows.rows[0]!.n)).toBe(0);
  });

  it('never runs a job twice when two workers claim at once', async () => {
    const runs = new Map<string, number>();
    const handler = async (job: JobRow) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
    };
    const a = worker(10);
    const b = worker(10);
    a.register('test.race', handler);
    b.register('test.race', handler);
    for (let i = 0; i < 30; i++) await enqueue(database.db, dolo, 'test.race', { i });
    for (let round = 0; round < 5; round++) await Promise.all([a.runOnce(), b.runOnce()]);
    expect(runs.size).toBe(30);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it('takes back a job whose worker died (expired lease)', async () => {
    const { id } = await enqueue(database.db, dolo, 'test.lease', {});
    await sql`update jobs set status = 'running', attempts = 1, locked_by = 'dead-worker', locked_at = now() - interval '10 minutes' where id = ${id}`.execute(
      database.db,
    );
    const w = worker();
    w.register('test.lease', async () => {});
    expect(await w.runOnce()).toBe(1);
    expect((await findJob(database.db, dolo, id))?.status).toBe('done');
  });

  it('polls by itself once started, and stops cleanly', async () => {
    const w = worker();
    let done = false;
    w.register('test.poll', async () => {
      done = true;
    });
    w.start();
    await enqueue(database.db, dolo, 'test.poll', {});
    for (let i = 0; i < 100 && !done; i++) await new Promise((r) => setTimeout(r, 20));
    await w.stop();
    expect(done).toBe(true);
  });
});
