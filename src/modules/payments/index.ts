// The payments module (pagoPA): per-ente settings and catalogue, debt positions created by other modules,
// IUVs and notice numbers, publication on GPD, receipts reconciled idempotently (notification endpoint
// and polling fallback), expiry, and the "paid" event back to the module that asked for the payment.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import { GpdClient } from './gpd-client.ts';
import type { GpdFactory } from './gpd-sync.ts';
import { paymentsAdminPages } from './payments.admin.tsx';
import { registerPaymentJobs, startScheduler } from './payments.jobs.ts';
import { paymentsPages } from './payments.pages.ts';
import { paymentsRoutes } from './payments.routes.ts';
import type { PaidEvent } from './payments.schema.ts';
import { onPaid } from './reconcile.ts';

export type { GpdFactory, GpdPort } from './gpd-sync.ts';
export { isValidNoticeNumber, parseNoticeNumber } from './notice-number.ts';
export { sendNotice } from './payments.documents.ts';
export { expirePositions } from './payments.jobs.ts';
export { groupedNotice, payableOptions } from './payments.present.ts';
export type {
  DebtPosition,
  GpdState,
  ItemKind,
  PaidEvent,
  PaymentItem,
  PaymentOption,
  PaymentSettings,
  PositionStatus,
  Transfer,
} from './payments.schema.ts';
export { ITEM_KINDS, MAX_AMOUNT_CENTS, POSITION_STATUSES, STAMP_DUTY_CENTS } from './payments.schema.ts';
export { SANDBOX_GPD_KEY_SECRET, seedPaymentsDemo } from './payments.seed.ts';
export {
  type CreatedDebtPosition,
  cancelDebtPosition,
  createDebtPosition,
  findReceiptXml,
  getDebtPosition,
  listDebtPositions,
  listReceiptIssues,
  resolveReceiptIssue,
} from './payments.service.ts';
export { findItem, listItems, paymentSettings } from './payments.settings.ts';
export type { NewDebtPosition, NewOption, NewTransfer } from './payments.validation.ts';
export { pollReceipts } from './reconcile.polling.ts';
export { paidQueue, type RecordedReceipt, recordReceipt } from './reconcile.ts';

export interface PagopaEndpoints {
  gpdUrl: string;
  receiptsUrl: string;
  checkoutUrl: string;
  notificationKey: string;
}

export interface PaymentsDeps {
  db: Db;
  worker: JobWorker;
  directory: EnteDirectory;
  /** The platform's public address: where pagoPA Checkout sends citizens back to. */
  publicUrl: string;
  /** The installation's seal secret: GPD subscription keys are stored sealed with it. */
  sealKey: string;
  /** pagoPA's (or the sandbox's) addresses; null: no GPD publication, no receipts endpoint. */
  pagopa: PagopaEndpoints | null;
  /** Runs the timer of the daily expiry and the receipts polling (processes running the job worker). */
  schedule: boolean;
  /** Replaces the GPD client (tests). */
  gpd?: GpdFactory;
}

export interface PaymentsModule {
  /**
   * Lets a module hear that one of the positions it created was paid: a job on its own queue, enqueued
   * in the transaction that reconciled the receipt, once per position. Handlers must be idempotent.
   */
  onPaid(module: string, handler: (event: PaidEvent) => Promise<void>): void;
  /** The addresses in use (the Checkout client of the citizen pages needs checkoutUrl). */
  pagopa: PagopaEndpoints | null;
}

export async function paymentsModule(app: FastifyInstance, deps: PaymentsDeps): Promise<PaymentsModule> {
  paymentsAdminPages(app, deps);
  const { pagopa } = deps;
  await paymentsPages(app, { ...deps, checkoutUrl: pagopa?.checkoutUrl ?? null });
  if (pagopa) {
    await paymentsRoutes(app, { db: deps.db, notificationKey: pagopa.notificationKey });
    const gpd: GpdFactory =
      deps.gpd ??
      ((subscriptionKey) =>
        new GpdClient({ baseUrl: pagopa.gpdUrl, receiptsBaseUrl: pagopa.receiptsUrl, subscriptionKey }));
    registerPaymentJobs(deps.worker, { db: deps.db, sealKey: deps.sealKey, gpd });
    if (deps.schedule) {
      const stop = startScheduler(deps.db);
      app.addHook('onClose', async () => stop());
    }
  }
  return { onPaid: (module, handler) => onPaid(deps.worker, module, handler), pagopa };
}
