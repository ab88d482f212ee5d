// A PostgreSQL-backed job queue: jobs are rows, enqueued in the caller's transaction (so a job exists
// if and only if the change that caused it committed), claimed with SKIP LOCKED, retried with
// exponential back-off, and de-duplicated by idempotency key. See docs/adr/0004-job-queue.md.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PlatformTables } from '../db/tables.ts';
import * as repo from './jobs.repo.ts';

export type { JobRow } from './jobs.repo.ts';

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
  idempotencyKey?: string;
}

export async function enqueue<DB extends PlatformTables>(
  q: Kysely<DB>,
  enteId: string,
  queue: string,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): Promise<{ id: string; created: boolean }> {
  return repo.insertJob(q as unknown as Kysely<PlatformTables>, {
    enteId,
    queue,
    payload,
    runAt: options.runAt ?? new Date(),
    maxAttempts: options.maxAttempts ?? 5,
    idempotencyKey: options.idempotencyKey ?? null,
  });
}

export type JobHandler = (job: repo.JobRow) => Promise<void>;

/** Delay before attempt n+1: 2^n seconds (capped at one hour), with ±20% jitter. */
export function backoffMs(attempts: number, random = Math.random): number {
  const base = Math.min(2 ** attempts * 1000, 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface WorkerOptions {
  pollMs: number;
  concurrency: number;
  leaseMs?: number;
  onError?: (job: repo.JobRow, error: Error) => void;
}

export class JobWorker {
  readonly id = `worker-${randomUUID()}`;
  #handlers = new Map<string, JobHandler>();
  #timer: NodeJS.Timeout | null = null;
  #running = new Set<Promise<void>>();
  #stopped = true;

  constructor(
    private readonly db: Kysely<PlatformTables>,
    private readonly options: WorkerOptions,
  ) {}

  register(queue: string, handler: JobHandler): void {
    this.#handlers.set(queue, handler);
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops claiming; waits for the jobs in hand to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.allSettled([...this.#running]);
  }

  /** Claims and runs one batch of due jobs; returns how many ran. */
  async runOnce(): Promise<number> {
    const free = this.options.concurrency - this.#running.size;
    if (free <= 0) return 0;
    const jobs = await repo.claimJobs(
      this.db,
      this.id,
      [...this.#handlers.keys()],
      free,
      this.options.leaseMs ?? 5 * 60_000,
    );
    for (const job of jobs) {
      const task = this.#run(job).finally(() => this.#running.delete(task));
      this.#running.add(task);
    }
    await Promise.allSettled([...this.#running]);
    return jobs.length;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(async () => {
      let ran = 0;
      try {
        ran = await this.runOnce();
      } catch {
        // The database may be briefly unavailable; the next poll tries again.
      }
      this.#schedule(ran > 0 ? 0 : this.options.pollMs);
    }, delay);
    this.#timer.unref();
  }

  async #run(job: repo.JobRow): Promise<void> {
    const handler = this.#handlers.get(job.queue);
    try {
      if (!handler) throw new Error(`no handler for queue ${job.queue}`);
      await handler(job);
      await repo.completeJob(this.db, job, this.id);
    } catch (error) {
      const err = error as Error;
      this.options.onError?.(job, err);
      const retryAt = job.attempts < job.max_attempts ? new Date(Date.now() + backoffMs(job.attempts)) : null;
      await repo.failJob(this.db, job, this.id, String(err.message).slice(0, 2000), retryAt);
    }
  }
}

export const { listJobs, findJob, retryJob } = repo;
