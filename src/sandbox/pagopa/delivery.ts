// Receipt delivery: pagoPA sends each receipt to the creditor's station until the station takes it. Here
// a job per receipt posts its XML to the platform's notification endpoint with the installation's key;
// anything but 202 (or no answer) fails the job, which the queue retries with back-off (up to 50 times,
// about two days), so a restart or an outage of the platform loses no receipt.
import type { Db } from '../../platform/db/database.ts';
import type { JobRow, JobWorker } from '../../platform/jobs/jobs.ts';
import * as repo from './pagopa.repo.ts';
import { DELIVERY_QUEUE } from './payment.ts';

export interface NotificationTarget {
  /** The platform's receipts endpoint, e.g. <public URL>/api/v1/payments/receipts. */
  url: string;
  /** Sent as X-Notification-Key. */
  key: string;
  timeoutMs?: number;
}

export async function deliverReceipt(db: Db, target: NotificationTarget, job: JobRow): Promise<void> {
  const { organizationFiscalCode, iuv } = job.payload as { organizationFiscalCode: string; iuv: string };
  const receipt = await repo.findReceipt(repo.q(db), organizationFiscalCode, iuv);
  if (!receipt || receipt.delivered_at) return;
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', 'x-notification-key': target.key },
    body: receipt.document,
    redirect: 'error',
    signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
  });
  await response.body?.cancel();
  if (response.status !== 202) throw new Error(`the notification endpoint answered ${response.status}`);
  await repo.markDelivered(repo.q(db), organizationFiscalCode, iuv);
}

export function registerDelivery(worker: JobWorker, db: Db, target: NotificationTarget): void {
  worker.register(DELIVERY_QUEUE, (job) => deliverReceipt(db, target, job));
}
