import { type Kysely, sql } from 'kysely';
import type { JobStatus, PlatformTables } from '../db/tables.ts';

type Q = Kysely<PlatformTables>;

export interface JobRow {
  ente_id: string;
  id: string;
  queue: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  idempotency_key: string | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const COLUMNS = [
  'ente_id',
  'id',
  'queue',
  'payload',
  'status',
  'attempts',
  'max_attempts',
  'run_at',
  'idempotency_key',
  'last_error',
  'created_at',
  'finished_at',
] as const;

/** Inserts a job; with an idempotency key, a second insert returns the existing job instead. */
export async function insertJob(
  q: Q,
  job: {
    enteId: string;
    queue: string;
    payload: unknown;
    runAt: Date;
    maxAttempts: number;
    idempotencyKey: string | null;
  },
): Promise<{ id: string; created: boolean }> {
  const inserted = await q
    .insertInto('jobs')
    .values({
      ente_id: job.enteId,
      queue: job.queue,
      payload: JSON.stringify(job.payload),
      run_at: job.runAt,
      max_attempts: job.maxAttempts,
      idempotency_key: job.idempotencyKey,
    })
    .onConflict((oc) => oc.columns(['ente_id', 'queue', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await q
    .selectFrom('jobs')
    .select('id')
    .where('ente_id', '=', job.enteId)
    .where('queue', '=', job.queue)
    .where('idempotency_key', '=', job.idempotencyKey)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/**
 * Claims due jobs for one worker: queued ones whose time has come, and running ones whose lease expired
 * (their worker died). SKIP LOCKED lets several workers claim side by side.
 */
export async function claimJobs(
  q: Q,
  workerId: string,
  queues: string[],
  limit: number,
  leaseMs: number,
): Promise<JobRow[]> {
  if (queues.length === 0) return [];
  const result = await sql<JobRow>`
    update jobs set status = 'running', attempts = attempts + 1, locked_by = ${workerId}, locked_at = now()
    where (ente_id, id) in (
      select ente_id, id from jobs
      where run_at <= now() and queue in (${sql.join(queues)})
        and (status = 'queued' or (status = 'running' and locked_at < now() - make_interval(secs => ${leaseMs / 1000})))
      order by run_at
      limit ${limit}
      for update skip locked
    )
    returning ${sql.join(COLUMNS.map((c) => sql.ref(c)))}`.execute(q);
  return result.rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

export async function completeJob(
  q: Q,
  job: Pick<JobRow, 'ente_id' | 'id'>,
  workerId: string,
): Promise<void> {
  await q
    .updateTable('jobs')
    .set({ status: 'done', finished_at: new Date(), locked_by: null, locked_at: null, last_error: null })
    .where('ente_id', '=', job.ente_id)
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

export async function failJob(
  q: Q,
  job: Pick<JobRow, 'ente_id' | 'id'>,
  workerId: string,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await q
    .updateTable('jobs')
    .set(
      retryAt
        ? { status: 'queued', run_at: retryAt, last_error: error, locked_by: null, locked_at: null }
        : { status: 'dead', finished_at: new Date(), last_error: error, locked_by: null, locked_at: null },
    )
    .where('ente_id', '=', job.ente_id)
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

export async function retryJob(q: Q, enteId: string, id: string): Promise<boolean> {
  const result = await q
    .updateTable('jobs')
    .set({ status: 'queued', run_at: new Date(), max_attempts: sql`attempts + 1`, finished_at: null })
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findJob(q: Q, enteId: string, id: string): Promise<JobRow | undefined> {
  return q
    .selectFrom('jobs')
    .select(COLUMNS)
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listJobs(
  q: Q,
  filter: { enteIds: string[]; status?: JobStatus; limit: number },
): Promise<JobRow[]> {
  if (filter.enteIds.length === 0) return [];
  let query = q
    .selectFrom('jobs')
    .select(COLUMNS)
    .where('ente_id', 'in', filter.enteIds)
    .orderBy('created_at', 'desc')
    .limit(filter.limit);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.execute();
}
