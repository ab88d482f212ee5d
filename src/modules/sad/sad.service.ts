// The SAD console's rules: which enti a SAD admin oversees, their background jobs, audit checks.
import { verifyAudit } from '../../platform/audit/audit.ts';
import { adminOfSads, type Principal } from '../../platform/auth/policy.ts';
import type { Db } from '../../platform/db/database.ts';
import type { JobStatus } from '../../platform/db/tables.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { enqueue, type JobRow, listJobs, retryJob } from '../../platform/jobs/jobs.ts';
import { type Ente, listEnti } from '../tenancy/index.ts';

export const AUDIT_VERIFY_QUEUE = 'audit.verify';

export interface SadScope {
  sads: Ente[];
  /** Every ente the principal oversees, by id: the SADs and their comuni. */
  enti: Map<string, Ente>;
}

export async function scopeOf(db: Db, principal: Principal | null): Promise<SadScope> {
  if (!principal) throw PlatformErrors.unauthenticated();
  const sadIds = adminOfSads(principal);
  if (sadIds.length === 0) throw PlatformErrors.forbidden();
  const enti = new Map<string, Ente>();
  const sads: Ente[] = [];
  for (const sadId of sadIds) {
    const { items } = await listEnti(db, { sadId, limit: 1000, offset: 0 });
    for (const ente of items) {
      enti.set(ente.id, ente);
      if (ente.id === sadId) sads.push(ente);
    }
  }
  return { sads, enti };
}

export async function jobsOf(db: Db, scope: SadScope, status?: JobStatus): Promise<JobRow[]> {
  return listJobs(db, { enteIds: [...scope.enti.keys()], status, limit: 200 });
}

export async function retry(db: Db, scope: SadScope, enteId: string, jobId: string): Promise<void> {
  // A job of an ente outside the admin's SADs is "not found", never touched.
  if (!scope.enti.has(enteId) || !(await retryJob(db, enteId, jobId))) throw PlatformErrors.notFound('job');
}

/** Queues an audit-chain check for every ente in scope; once per ente per day. */
export async function requestAuditCheck(db: Db, scope: SadScope): Promise<number> {
  const day = new Date().toISOString().slice(0, 10);
  let created = 0;
  await db.transaction().execute(async (trx) => {
    for (const enteId of scope.enti.keys()) {
      const job = await enqueue(
        trx,
        enteId,
        AUDIT_VERIFY_QUEUE,
        { enteId },
        { idempotencyKey: `audit-${day}` },
      );
      if (job.created) created++;
    }
  });
  return created;
}

/** The job: verify one ente's chain; a broken chain fails the job, which shows in the console. */
export async function runAuditCheck(db: Db, job: JobRow): Promise<void> {
  const report = await verifyAudit(db, { enteId: job.ente_id });
  const problem = report.problems[0];
  if (problem) throw new Error(`audit chain broken at event ${problem.seq}: ${problem.reason}`);
}
