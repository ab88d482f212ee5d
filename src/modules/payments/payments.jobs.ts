// The background work of payments: GPD publication, the daily expiry, and the receipts polling fallback.
// A light timer in every process enqueues the scheduled jobs with idempotency keys (the day, the polling
// slot), so however many processes run, each ente gets one expiry a day and one poll a slot.
import { recordAudit } from '../../platform/audit/audit.ts';
import { todayInRome } from '../../platform/dates.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { enqueue, type JobWorker } from '../../platform/jobs/jobs.ts';
import { type GpdDeps, syncPosition } from './gpd-sync.ts';
import * as repo from './payments.repo.ts';
import { GPD_SYNC_QUEUE } from './payments.service.ts';
import { configuredEnti } from './payments.settings.repo.ts';
import { pollReceipts } from './reconcile.polling.ts';

export const EXPIRE_QUEUE = 'payments.expire';
export const POLL_QUEUE = 'payments.poll-receipts';

/** Pending positions past their last due date become expired (paid ones never do). */
export async function expirePositions(db: Db, enteId: string, today = todayInRome()): Promise<number> {
  return withTenant(db, enteId, async (trx) => {
    const ids = await repo.expireDue(trx, enteId, today);
    if (ids.length > 0) {
      await recordAudit(trx, {
        enteId,
        actor: 'system:expiry',
        action: 'payment.position.expire',
        targetType: 'payment_position',
        content: { day: today, count: ids.length, positions: ids.slice(0, 1000) },
      });
    }
    return ids.length;
  });
}

export function registerPaymentJobs(worker: JobWorker, deps: GpdDeps): void {
  worker.register(GPD_SYNC_QUEUE, (job) => syncPosition(deps, job));
  worker.register(EXPIRE_QUEUE, async (job) => {
    await expirePositions(deps.db, job.ente_id);
  });
  worker.register(POLL_QUEUE, async (job) => {
    await pollReceipts(deps, job.ente_id);
  });
}

export interface ScheduleOptions {
  /** How often the timer looks (default 5 minutes). */
  tickMs?: number;
  /** How often receipts are polled per ente (default hourly). */
  pollEveryMs?: number;
}

/** Enqueues the due scheduled jobs of every ente that takes payments (platform-wide, owner role). */
export async function scheduleTick(db: Db, now = new Date(), pollEveryMs = 3_600_000): Promise<void> {
  const today = todayInRome(now);
  const slot = Math.floor(now.getTime() / pollEveryMs);
  for (const enteId of await configuredEnti(db)) {
    await enqueue(
      db,
      enteId,
      EXPIRE_QUEUE,
      { day: today },
      { idempotencyKey: `day-${today}`, maxAttempts: 10 },
    );
    await enqueue(db, enteId, POLL_QUEUE, {}, { idempotencyKey: `slot-${slot}`, maxAttempts: 3 });
  }
}

/** Starts the timer; returns the function that stops it. */
export function startScheduler(db: Db, options: ScheduleOptions = {}): () => void {
  const tick = () => scheduleTick(db, new Date(), options.pollEveryMs).catch(() => {});
  const first = setTimeout(tick, 10_000);
  const timer = setInterval(tick, options.tickMs ?? 300_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
