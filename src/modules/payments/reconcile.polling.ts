// The polling fallback of reconciliation: a notification may never arrive (our platform down, a network
// fault at pagoPA), so a job lists the ente's receipts on GPD's receipts service since its cursor and
// records those not seen yet, exactly as if they had been notified. The cursor moves only after a
// complete pass, so a failed pass is simply repeated.
import { recordAudit } from '../../platform/audit/audit.ts';
import { todayInRome } from '../../platform/dates.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { GpdError } from './gpd-client.ts';
import { type GpdDeps, gpdOf } from './gpd-sync.ts';
import { setPolledUntil } from './payments.settings.repo.ts';
import { iuvsWithReceipts } from './reconcile.repo.ts';
import { recordReceipt } from './reconcile.ts';

/** The first pass looks this many days back; later passes overlap the last day polled by one. */
const FIRST_LOOKBACK_DAYS = 7;
const PAGE_SIZE = 100;

const daysBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

export interface PollReport {
  listed: number;
  fetched: number;
  recorded: number;
  /** Receipts GPD returned that could not be recorded (invalid, another creditor): audited for a person. */
  refused: number;
}

export async function pollReceipts(deps: GpdDeps, enteId: string, now = new Date()): Promise<PollReport> {
  const { gpd, org, polledUntil } = await gpdOf(deps, enteId);
  const today = todayInRome(now);
  const from = daysBefore(polledUntil ?? today, polledUntil ? 1 : FIRST_LOOKBACK_DAYS);
  const report: PollReport = { listed: 0, fetched: 0, recorded: 0, refused: 0 };
  for (let pageNum = 0; ; pageNum++) {
    const page = await gpd.listReceipts(org, { from, to: today, pageNum, pageSize: PAGE_SIZE });
    report.listed += page.iuvs.length;
    const known = await iuvsWithReceipts(deps.db, enteId, page.iuvs);
    for (const iuv of page.iuvs.filter((i) => !known.has(i))) {
      try {
        const xml = await gpd.getReceipt(org, iuv);
        report.fetched++;
        const recorded = await recordReceipt(deps.db, xml, 'polling', enteId);
        if (recorded.status === 'recorded') report.recorded++;
      } catch (error) {
        // GPD's 404/422 for one IUV, or a receipt we refuse: the others still count.
        const refused = error instanceof AppError || (error instanceof GpdError && !error.retryable);
        if (!refused) throw error;
        report.refused++;
        // The cursor moves on: the refusal stays in the ente's audit trail for a person to follow up.
        await withTenant(deps.db, enteId, (trx) =>
          recordAudit(trx, {
            enteId,
            actor: 'pagopa:polling',
            action: 'payment.receipt.refused',
            targetType: 'payment_receipt',
            targetId: iuv,
            content: { iuv, reason: String((error as Error).message).slice(0, 300) },
          }),
        );
      }
    }
    if (pageNum + 1 >= page.totalPages) break;
  }
  await withTenant(deps.db, enteId, (trx) => setPolledUntil(trx, enteId, today));
  return report;
}
