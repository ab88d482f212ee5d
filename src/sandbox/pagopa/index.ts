// The pagoPA sandbox, mounted at /sandbox/pagopa when SANDBOX=true (loaded by app.ts only then; product
// code never imports it and reaches it through its clients, configured with these addresses):
//   <public URL>/sandbox/pagopa/gpd/debt-positions-service/v1      GPD v1 debt positions
//   <public URL>/sandbox/pagopa/gpd/payments-receipts-service/v1   GPD receipts service
//   <public URL>/sandbox/pagopa                                    Checkout (POST /checkout/ec/v1/carts)
// with the checkout page where a tester pays or abandons, and the delivery of every receipt to the
// platform's notification endpoint through the job queue. State lives in the database (0009).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import { GPD_BASE, pagopaApiRoutes, RECEIPTS_BASE, SANDBOX_PREFIX } from './api.routes.ts';
import { checkoutPages } from './checkout.pages.tsx';
import { type NotificationTarget, registerDelivery } from './delivery.ts';

export interface PagopaSandboxDeps {
  db: Db;
  worker: JobWorker;
  publicUrl: string;
  /** The subscription key the sandbox's APIs accept (Ocp-Apim-Subscription-Key). */
  subscriptionKey: string;
  /** Where receipts are delivered, and the key that goes with them. */
  notification: NotificationTarget;
  /** The ente the delivery jobs are filed under: the SAD, pagoPA's intermediary for its comuni. */
  jobEnte: () => Promise<string>;
}

/** The base URLs to configure the platform's clients with, for a given public URL. */
export function pagopaSandboxUrls(publicUrl: string) {
  return {
    gpdBaseUrl: `${publicUrl}${GPD_BASE}`,
    receiptsBaseUrl: `${publicUrl}${RECEIPTS_BASE}`,
    checkoutBaseUrl: `${publicUrl}${SANDBOX_PREFIX}`,
  };
}

export async function pagopaSandbox(app: FastifyInstance, deps: PagopaSandboxDeps): Promise<void> {
  await pagopaApiRoutes(app, deps);
  checkoutPages(app, deps);
  registerDelivery(deps.worker, deps.db, deps.notification);
}
