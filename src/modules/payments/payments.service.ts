// Debt positions: creation by other modules (validated, IUVs allocated, GPD publication queued, audited,
// all in the caller's transaction), cancellation, and the reads the pages need. No HTTP, no SQL.
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.ts';
import { todayInRome } from '../../platform/dates.ts';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { iuvOf, noticeNumberOf } from './notice-number.ts';
import { PaymentsErrors } from './payments.errors.ts';
import * as query from './payments.query.repo.ts';
import * as repo from './payments.repo.ts';
import { validationError } from './payments.rules.ts';
import type { DebtPosition, PaymentsTables } from './payments.schema.ts';
import * as settingsRepo from './payments.settings.repo.ts';
import { checkNewPosition, debtorType, type NewDebtPosition } from './payments.validation.ts';
import * as reconcileRepo from './reconcile.repo.ts';

export const GPD_SYNC_QUEUE = 'payments.gpd-sync';
/** 2 s doubling up to an hour: 20 attempts keep trying for about half a day. */
export const GPD_SYNC_ATTEMPTS = 20;

export interface CreatedDebtPosition {
  positionId: string;
  iupd: string;
  /** False when a live position of the same source reference already existed: that one is returned. */
  created: boolean;
  options: { iuv: string; noticeNumber: string; amountCents: number; dueDate: string }[];
}

function assertTransaction(trx: AnyDb): void {
  // Everything below must commit or roll back together with the caller's own change.
  if (!trx.isTransaction)
    throw new Error('payments: call with a transaction (withTenant(db, enteId, trx => …))');
}

const summary = (p: DebtPosition, created: boolean): CreatedDebtPosition => ({
  positionId: p.id,
  iupd: p.iupd,
  created,
  options: p.options.map((o) => ({
    iuv: o.iuv,
    noticeNumber: o.noticeNumber,
    amountCents: o.amountCents,
    dueDate: o.dueDate,
  })),
});

/**
 * Creates a debt position in the caller's transaction (preferably withTenant for its ente): checks
 * every field first (a validation error names each bad field and nothing is written), allocates the
 * IUVs, stores position, options and transfers, queues the publication on GPD and audits.
 */
export async function createDebtPosition(trx: AnyDb, input: NewDebtPosition): Promise<CreatedDebtPosition> {
  assertTransaction(trx);
  const { enteId } = input;
  const settings = await settingsRepo.findSettings(trx, enteId);
  if (!settings) throw PaymentsErrors.notConfigured();
  const item =
    typeof input.itemCode === 'string' ? await settingsRepo.findItem(trx, enteId, input.itemCode) : null;
  const issues = checkNewPosition(input, { item, today: todayInRome() });
  if (issues.length > 0) throw validationError(issues);

  const existingId = await repo.findLiveBySource(trx, enteId, input.source.module, input.source.ref);
  if (existingId) return summary((await query.findPosition(trx, enteId, { id: existingId }))!, false);
  if (input.iupd && (await query.findPosition(trx, enteId, { iupd: input.iupd }))) {
    throw PaymentsErrors.positionExists();
  }

  const iupd = input.iupd ?? `${settings.creditorFiscalCode}-${randomUUID()}`;
  const fiscalCode = input.debtor.fiscalCode;
  const dueDate = input.options.map((o) => o.dueDate).sort()[input.options.length - 1]!;
  const positionId = await repo
    .insertPosition(trx, {
      ente_id: enteId,
      iupd,
      source_module: input.source.module,
      source_ref: input.source.ref,
      item_code: item?.code ?? null,
      debtor_type: debtorType(fiscalCode)!,
      debtor_fiscal_code: fiscalCode,
      debtor_name: input.debtor.fullName.trim(),
      debtor_email: input.debtor.email || null,
      description: input.description.trim(),
      due_date: dueDate,
      created_by: input.actor?.subject ?? `module:${input.source.module}`,
    })
    .catch((error: { code?: string }) => {
      // A concurrent creation for the same IUPD or source reference won the race.
      if (error.code === '23505') throw PaymentsErrors.positionExists();
      throw error;
    });

  const firstBase = await repo.reserveIuvBases(trx, enteId, settings.segregationCode, input.options.length);
  const instalments = input.options.length > 1;
  const options: Parameters<typeof repo.insertOptions>[1] = [];
  const transfers: PaymentsTables['payment_transfers'][] = [];
  input.options.forEach((option, i) => {
    const iuv = iuvOf(settings.segregationCode, firstBase + i);
    const description = (option.description ?? input.description).trim();
    options.push({
      ente_id: enteId,
      iuv,
      position_id: positionId,
      seq: i + 1,
      notice_number: noticeNumberOf(iuv),
      is_instalment: instalments && !option.single,
      amount_cents: option.amountCents,
      description,
      due_date: option.dueDate,
    });
    const given = option.transfers ?? [{ amountCents: option.amountCents }];
    given.forEach((t, j) => {
      const ownAccount = !t.iban && !t.postalIban && !t.stamp;
      transfers.push({
        ente_id: enteId,
        iuv,
        transfer_id: j + 1,
        amount_cents: t.amountCents,
        remittance: (t.remittance ?? description).trim(),
        taxonomy: t.taxonomy ?? item!.taxonomy,
        beneficiary_fiscal_code: t.beneficiaryFiscalCode ?? null,
        iban: ownAccount ? settings.iban : (t.iban ?? null),
        postal_iban: t.postalIban ?? null,
        stamp_type: t.stamp?.type ?? null,
        stamp_hash: t.stamp?.hashDocument ?? null,
        stamp_province: t.stamp?.province ?? null,
      });
    });
  });
  await repo.insertOptions(trx, options, transfers);
  await enqueue(
    trx,
    enteId,
    GPD_SYNC_QUEUE,
    { positionId },
    { idempotencyKey: `${positionId}:publish`, maxAttempts: GPD_SYNC_ATTEMPTS },
  );
  await recordAudit(trx, {
    enteId,
    actor: input.actor?.subject ?? `module:${input.source.module}`,
    action: 'payment.position.create',
    targetType: 'payment_position',
    targetId: positionId,
    requestId: input.actor?.requestId ?? null,
    content: {
      iupd,
      source: input.source,
      item: item?.code ?? null,
      options: options.map((o) => ({ iuv: o.iuv, amount_cents: o.amount_cents, due_date: o.due_date })),
    },
  });
  return {
    positionId,
    iupd,
    created: true,
    options: options.map((o) => ({
      iuv: o.iuv,
      noticeNumber: o.notice_number,
      amountCents: o.amount_cents,
      dueDate: o.due_date,
    })),
  };
}

/** Cancels an unpaid position and queues its invalidation on GPD, in the caller's transaction. */
export async function cancelDebtPosition(
  trx: AnyDb,
  input: { enteId: string; positionId: string; actor: { subject: string; requestId?: string | null } },
): Promise<void> {
  assertTransaction(trx);
  const { enteId, positionId } = input;
  if (!(await repo.cancelPosition(trx, enteId, positionId))) {
    const position = await query.findPosition(trx, enteId, { id: positionId });
    if (!position) throw PaymentsErrors.positionNotFound();
    if (position.status === 'paid' || position.options.some((o) => o.status === 'paid')) {
      throw PaymentsErrors.positionPaid();
    }
    return; // already cancelled
  }
  await enqueue(
    trx,
    enteId,
    GPD_SYNC_QUEUE,
    { positionId },
    { idempotencyKey: `${positionId}:cancel`, maxAttempts: GPD_SYNC_ATTEMPTS },
  );
  await recordAudit(trx, {
    enteId,
    actor: input.actor.subject,
    action: 'payment.position.cancel',
    targetType: 'payment_position',
    targetId: positionId,
    requestId: input.actor.requestId ?? null,
  });
}

export const getDebtPosition = (db: AnyDb, enteId: string, positionId: string) =>
  query.findPosition(db, enteId, { id: positionId });

export const listDebtPositions = query.listPositions;

/** An operator closes a receipt issue (refund made, payment matched by hand…), with a note. */
export async function resolveReceiptIssue(
  db: Db,
  actor: { subject: string; requestId?: string | null },
  enteId: string,
  receiptId: string,
  note: string | null,
): Promise<void> {
  const text = note?.trim().slice(0, 1000) || null;
  await withTenant(db, enteId, async (trx) => {
    if (!(await reconcileRepo.resolveIssue(trx, enteId, receiptId, actor.subject, text))) {
      throw PlatformErrors.notFound('open receipt issue');
    }
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: 'payment.receipt.resolve',
      targetType: 'payment_receipt',
      targetId: receiptId,
      requestId: actor.requestId ?? null,
      content: { note: text },
    });
  });
}

export const listReceiptIssues = reconcileRepo.listIssues;
export const findReceiptXml = reconcileRepo.findReceiptXml;
