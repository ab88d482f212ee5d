// Paying a Checkout cart in the sandbox: every notice must be payable (known, published and valid,
// unpaid, for the amount asked); then, in one transaction, each option is marked paid, its position
// moves on (PAID, or PARTIALLY_PAID while instalments remain), its receipt is written as pagoPA writes it
// (paSendRTV2) and a job is queued to deliver it to the platform, so a crash loses no receipt.
import { randomUUID } from 'node:crypto';
import type { CartPaymentNotice } from '../../modules/payments/checkout-client.ts';
import type { DebtPositionStatus } from '../../modules/payments/gpd-client.ts';
import { receiptXml } from '../../modules/payments/receipt-xml.ts';
import type { Db } from '../../platform/db/database.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { statusNow } from './gpd.ts';
import * as repo from './pagopa.repo.ts';

export const DELIVERY_QUEUE = 'sandbox.pagopa.receipt';
export const PSP = { id: 'SANDBOXPSP', companyName: 'PSP di prova (ambiente di test)' } as const;

export interface NoticeCheck {
  notice: CartPaymentNotice;
  /** Why the notice cannot be paid (Italian, shown to the tester), or null when it can. */
  problem: string | null;
}

const PROBLEMS: Partial<Record<DebtPositionStatus, string>> = {
  DRAFT: 'l’avviso non è ancora pagabile',
  PUBLISHED: 'l’avviso non è ancora pagabile',
  INVALID: 'l’avviso è stato annullato dall’ente',
  EXPIRED: 'l’avviso è scaduto',
  PAID: 'l’avviso è già stato pagato',
  REPORTED: 'l’avviso è già stato pagato',
};

interface Payable {
  option: repo.OptionRow;
  position: repo.PositionRow;
  options: repo.OptionRow[];
}

async function check(
  db: repo.Q,
  notice: CartPaymentNotice,
  now: Date,
): Promise<NoticeCheck & { payable?: Payable }> {
  const option = await repo.findOptionByNav(db, notice.fiscalCode, notice.noticeNumber);
  if (!option) return { notice, problem: 'l’avviso non esiste presso l’ente indicato' };
  const position = (await repo.findPosition(db, notice.fiscalCode, option.iupd))!;
  const options = await repo.optionsOf(db, notice.fiscalCode, option.iupd);
  const status = statusNow(position, options, now);
  let problem = PROBLEMS[status] ?? null;
  if (!problem && option.status === 'PO_PAID') problem = 'l’avviso è già stato pagato';
  if (!problem && status === 'PARTIALLY_PAID' && !option.is_partial_payment)
    problem = 'sono già state pagate delle rate: si possono pagare solo le rate restanti';
  if (!problem && Number(option.amount_cents) !== notice.amount)
    problem = 'l’importo non corrisponde a quello dell’avviso';
  return problem ? { notice, problem } : { notice, problem, payable: { option, position, options } };
}

/** Whether each notice of a cart can be paid now. */
export async function checkNotices(
  db: Db,
  notices: CartPaymentNotice[],
  now = new Date(),
): Promise<NoticeCheck[]> {
  const results: NoticeCheck[] = [];
  for (const notice of notices) results.push(await check(repo.q(db), notice, now));
  return results.map(({ notice, problem }) => ({ notice, problem }));
}

async function pay(trx: repo.Q, { option, position, options }: Payable, enteId: string, now: Date) {
  const org = option.organization_fiscal_code;
  const receiptId = randomUUID().replaceAll('-', '');
  await repo.markOptionPaid(trx, org, option.iuv, { at: now, receiptId, pspCompany: PSP.companyName });
  const partialsLeft = options.filter(
    (o) => o.is_partial_payment && o.status === 'PO_UNPAID' && o.iuv !== option.iuv,
  );
  const status = option.is_partial_payment && partialsLeft.length > 0 ? 'PARTIALLY_PAID' : 'PAID';
  await repo.setPositionStatus(trx, org, option.iupd, { status, paymentDate: now });

  const { model } = position;
  const sent = model.paymentOption?.find((o) => o.iuv === option.iuv);
  const debtor = model.fiscalCode.toUpperCase();
  const document = receiptXml(
    {
      receiptId,
      noticeNumber: option.nav,
      iuv: option.iuv,
      organizationFiscalCode: org,
      amountCents: Number(option.amount_cents),
      outcome: 'OK',
      paymentDateTime: now.toISOString(),
      pspCompanyName: PSP.companyName,
      debtorFiscalCode: debtor,
      description: sent?.description ?? model.companyName,
    },
    {
      companyName: model.companyName,
      debtorFullName: model.fullName,
      idPSP: PSP.id,
      paymentMethod: 'CP',
      transfers: (sent?.transfer ?? []).map((t) => ({
        idTransfer: Number(t.idTransfer),
        amountCents: t.amount,
        fiscalCodePA: t.organizationFiscalCode ?? org,
        ...(t.iban ? { iban: t.iban.toUpperCase() } : {}),
        remittanceInformation: t.remittanceInformation,
        transferCategory: t.category,
      })),
    },
  );
  await repo.insertReceipt(trx, { org, iuv: option.iuv, receiptId, debtor, paidAt: now, document });
  await enqueue(
    trx as unknown as Db,
    enteId,
    DELIVERY_QUEUE,
    { organizationFiscalCode: org, iuv: option.iuv },
    { idempotencyKey: receiptId, maxAttempts: 50 },
  );
}

/**
 * Closes an open cart as the tester chose: paid (every notice payable: all are paid, or none and the
 * cart failed), cancelled or failed. Returns the cart's status afterwards; null for an unknown cart.
 */
export async function closeCart(
  db: Db,
  cartId: string,
  choice: 'pay' | 'cancel' | 'fail',
  jobEnte: () => Promise<string>,
  now = new Date(),
): Promise<repo.CartStatus | null> {
  const enteId = choice === 'pay' ? await jobEnte() : '';
  return repo
    .q(db)
    .transaction()
    .execute(async (trx) => {
      const cart = await repo.findCart(trx, cartId, true);
      if (!cart) return null;
      if (cart.status !== 'open') return cart.status;
      if (choice !== 'pay') {
        const status = choice === 'cancel' ? 'cancelled' : 'failed';
        await repo.closeCart(trx, cartId, status);
        return status;
      }
      const notices = cart.request.paymentNotices;
      for (const org of [...new Set(notices.map((n) => n.fiscalCode))].sort())
        await repo.lockCreditor(trx, org);
      const checks = [];
      for (const notice of notices) checks.push(await check(trx, notice, now));
      if (checks.some((c) => !c.payable)) {
        await repo.closeCart(trx, cartId, 'failed');
        return 'failed';
      }
      for (const c of checks) await pay(trx, c.payable!, enteId, now);
      await repo.closeCart(trx, cartId, 'paid');
      return 'paid';
    });
}
