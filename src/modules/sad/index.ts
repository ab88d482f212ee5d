// The SAD console module: aggregation overview, background jobs, audit checks, service figures.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import type { IdentityDeps } from '../identity/index.ts';
import { sadFiguresPages } from './sad.figures.tsx';
import { sadPages } from './sad.pages.tsx';
import { AUDIT_VERIFY_QUEUE, runAuditCheck } from './sad.service.ts';
import { sadStaffPages } from './sad.staff.tsx';

export { AUDIT_VERIFY_QUEUE } from './sad.service.ts';

export async function sadModule(
  app: FastifyInstance,
  deps: { db: Db; worker: JobWorker; identity: IdentityDeps; publicUrl: string },
): Promise<void> {
  deps.worker.register(AUDIT_VERIFY_QUEUE, (job) => runAuditCheck(deps.db, job));
  await sadPages(app, deps);
  sadStaffPages(app, deps);
  sadFiguresPages(app, deps);
}
