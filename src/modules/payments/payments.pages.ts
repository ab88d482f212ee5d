// The payments pages beyond the ente admin's settings: the citizen's payments in the personal area, and
// the operators' back office (positions and CSV export, receipts to look at, daily reconciliation, CSV
// import with its job).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import { positionsBackofficePages } from './payments.backoffice.tsx';
import { citizenPaymentPages } from './payments.citizen.tsx';
import { importBackofficePages } from './payments.import.tsx';
import { issuesBackofficePages } from './payments.issues.tsx';
import { reportBackofficePages } from './payments.report.tsx';

export async function paymentsPages(
  app: FastifyInstance,
  deps: {
    db: Db;
    worker: JobWorker;
    directory: EnteDirectory;
    publicUrl: string;
    checkoutUrl: string | null;
  },
): Promise<void> {
  citizenPaymentPages(app, deps);
  positionsBackofficePages(app, deps);
  issuesBackofficePages(app, deps);
  reportBackofficePages(app, deps);
  await importBackofficePages(app, deps);
}
