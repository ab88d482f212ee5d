// Reconciliation: a pagoPA receipt, however it arrives (notification or polling), is recorded once
// (its receipt id is the key), pays its option and, when the debt is settled, its position; the module
// that created the position hears of it through the job queue, in the same transaction. Receipts that
// cannot be credited (unknown IUV, wrong amount, paid twice, position cancelled) go to the operators.
import { recordAudit } from '../../platform/audit/audit.ts';
import { TtlCache } from '../../platform/cache.ts';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { enqueue, type JobWorker } from '../../platform/jobs/jobs.ts';
import { PaymentsErrors } from './payments.errors.ts';
import type { PaidEvent, ReceiptResult } from './payments.schema.ts';
import { enteOfCreditor } from './payments.settings.repo.ts';
import { MODULE_NAME } from './payments.validation.ts';
import { parseReceipt, type Receipt, ReceiptError } from './receipt-xml.ts';
import * as repo from './reconcile.repo.ts';

export const PAID_QUEUE_PREFIX = 'payments.paid.';
/** The queue on which a module hears that one of its positions was paid. */
export const paidQueue = (module: string) => `${PAID_QUEUE_PREFIX}${module}`;
/** Positions this module creates itself (CSV import, counter) need no event. */
const OWN_MODULE = 'payments';

export interface RecordedReceipt {
  /** 'duplicate': this receipt id was already recorded, nothing changed. */
  status: 'recorded' | 'duplicate';
  enteId: string;
  receiptId: string;
  result: ReceiptResult | null;
  positionId: string | null;
  /** True when this receipt settled the whole position. */
  positionPaid: boolean;
}

// Receipts name their creditor by fiscal code; the mapping changes rarely. Misses are not cached, so a
// newly configured ente is found at once.
const creditors = new TtlCache<string>(30_000, 10_000);
export const forgetCreditors = () => creditors.clear();

async function creditorEnte(db: Db, fiscalCode: string): Promise<string | undefined> {
  const cached = creditors.get(fiscalCode);
  if (cached) return cached;
  const enteId = await enteOfCreditor(db, fiscalCode);
  if (enteId) creditors.set(fiscalCode, enteId);
  return enteId;
}

/**
 * Records a receipt (the XML pagoPA sent) in one short transaction of its ente. Invalid XML →
 * INVALID_RECEIPT; a creditor not served here → UNKNOWN_CREDITOR (both 400 on the API).
 */
export async function recordReceipt(
  db: Db,
  xml: string,
  via: 'notification' | 'polling',
  /** When polling one ente's receipts: a receipt naming another creditor is refused. */
  expectedEnte?: string,
): Promise<RecordedReceipt> {
  let receipt: Receipt;
  try {
    receipt = parseReceipt(xml);
  } catch (error) {
    if (error instanceof ReceiptError) throw PaymentsErrors.invalidReceipt(error.message);
    throw error;
  }
  const enteId = await creditorEnte(db, receipt.organizationFiscalCode);
  if (!enteId || (expectedEnte && enteId !== expectedEnte)) throw PaymentsErrors.unknownCreditor();
  return withTenant(db, enteId, (trx) => reconcile(trx, enteId, receipt, xml, via));
}

function resultOf(receipt: Receipt, option: repo.OptionToPay | undefined): ReceiptResult {
  if (!option) return 'unknown_iuv';
  if (receipt.outcome === 'KO') return 'ko';
  // Paid already (this option, or the whole debt through another option): money to give back.
  if (option.status === 'paid' || option.positionStatus === 'paid') return 'already_paid';
  // The single payment of a debt already being paid by instalments would pay part of it twice.
  if (!option.isInstalment && option.paidInstalments) return 'already_paid';
  if (option.positionStatus === 'cancelled' || option.positionStatus === 'failed') return 'position_closed';
  if (option.amountCents !== receipt.amountCents) return 'amount_mismatch';
  return 'paid';
}

async function reconcile(
  trx: AnyDb,
  enteId: string,
  receipt: Receipt,
  xml: string,
  via: 'notification' | 'polling',
): Promise<RecordedReceipt> {
  const option = await repo.lockOption(trx, enteId, receipt.iuv);
  const result = resultOf(receipt, option);
  const paidAt = new Date(receipt.paymentDateTime);
  const stored = await repo.insertReceipt(trx, {
    ente_id: enteId,
    receipt_id: receipt.receiptId,
    iuv: receipt.iuv,
    notice_number: receipt.noticeNumber,
    position_id: option?.positionId ?? null,
    outcome: receipt.outcome,
    amount_cents: receipt.amountCents,
    payment_at: Number.isNaN(paidAt.getTime()) ? null : paidAt,
    psp_name: receipt.pspCompanyName || null,
    debtor_fiscal_code: receipt.debtorFiscalCode,
    via,
    result,
    xml,
  });
  const outcome = { enteId, receiptId: receipt.receiptId, positionId: option?.positionId ?? null };
  if (!stored) return { status: 'duplicate', ...outcome, result: null, positionPaid: false };

  let positionPaid = false;
  if (result === 'paid' && option) {
    const when = Number.isNaN(paidAt.getTime()) ? new Date() : paidAt;
    positionPaid = await repo.payOption(trx, enteId, receipt.iuv, receipt.receiptId, when);
    if (positionPaid && option.sourceModule !== OWN_MODULE) {
      const event: PaidEvent = {
        enteId,
        positionId: option.positionId,
        iupd: option.iupd,
        source: { module: option.sourceModule, ref: option.sourceRef },
        receipt: {
          receiptId: receipt.receiptId,
          iuv: receipt.iuv,
          noticeNumber: receipt.noticeNumber,
          amountCents: receipt.amountCents,
          paymentDateTime: receipt.paymentDateTime,
          pspCompanyName: receipt.pspCompanyName,
        },
      };
      await enqueue(
        trx,
        enteId,
        paidQueue(option.sourceModule),
        event as unknown as Record<string, unknown>,
        {
          idempotencyKey: option.positionId,
          maxAttempts: 20,
        },
      );
    }
  } else if (result !== 'paid' && result !== 'ko') {
    await repo.insertIssue(trx, enteId, receipt.receiptId, result);
    // The receipts table is the insert-only record of every receipt (with pagoPA's XML); the audit
    // chain records the exceptions an operator must look at. Auditing every receipt would serialise an
    // ente's receipts on its chain head (one commit at a time) for no added evidence.
    await recordAudit(trx, {
      enteId,
      actor: `pagopa:${via}`,
      action: 'payment.receipt.issue',
      targetType: 'payment_receipt',
      targetId: receipt.receiptId,
      content: { iuv: receipt.iuv, outcome: receipt.outcome, amount_cents: receipt.amountCents, result },
    });
  }
  return { status: 'recorded', ...outcome, result, positionPaid };
}

/** Lets a module hear, through the job queue, that one of its positions was paid (handlers must be idempotent). */
export function onPaid(
  worker: JobWorker,
  module: string,
  handler: (event: PaidEvent) => Promise<void>,
): void {
  if (!MODULE_NAME.test(module) || module === OWN_MODULE)
    throw new Error(`onPaid: bad module name "${module}"`);
  worker.register(paidQueue(module), (job) => handler(job.payload as unknown as PaidEvent));
}
