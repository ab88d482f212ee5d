// The job that brings a position's state on pagoPA's GPD in line with ours: create and publish a new
// position, invalidate a cancelled one. The GPD platform may be unreachable: the position then stays
// pending with its last error visible, and the job queue retries with back-off. No database
// transaction is held across a call to GPD (on PGlite it would stop every other request).
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import type { JobRow } from '../../platform/jobs/jobs.ts';
import { unseal } from '../../platform/seal.ts';
import { displayName, getEnte } from '../tenancy/index.ts';
import { type GpdClient, GpdError, type PaymentPositionModel } from './gpd-client.ts';
import * as query from './payments.query.repo.ts';
import * as repo from './payments.repo.ts';
import { endOfDayInRome } from './payments.rules.ts';
import type { DebtPosition, PositionStatus } from './payments.schema.ts';
import { findGpdAccess } from './payments.settings.repo.ts';

/** The calls the platform makes to GPD; tests give a stand-in. */
export type GpdPort = Pick<
  GpdClient,
  'createPosition' | 'publishPosition' | 'invalidatePosition' | 'getPosition' | 'listReceipts' | 'getReceipt'
>;
/** Makes the GPD client of one ente from its subscription key. */
export type GpdFactory = (subscriptionKey: string) => GpdPort;

export interface GpdDeps {
  db: Db;
  sealKey: string;
  gpd: GpdFactory;
}

/** The ente's GPD client and creditor code; throws (so the job retries) while the key is missing. */
export async function gpdOf(
  deps: GpdDeps,
  enteId: string,
): Promise<{ gpd: GpdPort; org: string; polledUntil: string | null }> {
  const access = await findGpdAccess(deps.db, enteId);
  if (!access) throw new Error('pagoPA settings are missing');
  if (!access.sealedKey) throw new Error('the GPD subscription key is not configured');
  let key: string;
  try {
    key = unseal(access.sealedKey, deps.sealKey);
  } catch {
    throw new Error('the GPD subscription key cannot be read: enter it again');
  }
  return { gpd: deps.gpd(key), org: access.creditorFiscalCode, polledUntil: access.polledUntil };
}

/** The position as GPD's PaymentPositionModel (v1). */
export function toGpdModel(position: DebtPosition, companyName: string): PaymentPositionModel {
  const { debtor } = position;
  return {
    iupd: position.iupd,
    type: debtor.type,
    fiscalCode: debtor.fiscalCode,
    fullName: debtor.fullName,
    ...(debtor.email ? { email: debtor.email } : {}),
    companyName: companyName.slice(0, 140),
    // Past its due date the notice is no longer payable; our daily job marks it expired too.
    switchToExpired: true,
    paymentOption: position.options.map((o) => ({
      iuv: o.iuv,
      amount: o.amountCents,
      description: o.description,
      isPartialPayment: o.isInstalment,
      dueDate: endOfDayInRome(o.dueDate),
      transfer: o.transfers.map((t) => ({
        idTransfer: String(t.transferId) as '1' | '2' | '3' | '4' | '5',
        amount: t.amountCents,
        remittanceInformation: t.remittance,
        category: `9/${t.taxonomy}/`,
        ...(t.beneficiaryFiscalCode ? { organizationFiscalCode: t.beneficiaryFiscalCode } : {}),
        ...(t.iban ? { iban: t.iban } : {}),
        ...(t.postalIban ? { postalIban: t.postalIban } : {}),
        ...(t.stamp
          ? {
              stamp: {
                hashDocument: t.stamp.hashDocument,
                stampType: t.stamp.type,
                provincialResidence: t.stamp.province,
              },
            }
          : {}),
      })),
    })),
  };
}

/** Creates and publishes; a 409 means an earlier run created it: publish it if still a draft. */
async function createAndPublish(gpd: GpdPort, org: string, model: PaymentPositionModel): Promise<void> {
  try {
    await gpd.createPosition(org, model, true);
  } catch (error) {
    if (!(error instanceof GpdError && error.status === 409)) throw error;
    const existing = await gpd.getPosition(org, model.iupd);
    if (existing.status === 'DRAFT') await gpd.publishPosition(org, model.iupd);
  }
}

/** Invalidates; a 404 (never created there) or 409 (already invalid) leaves nothing to do. */
async function invalidate(gpd: GpdPort, org: string, iupd: string): Promise<void> {
  try {
    await gpd.invalidatePosition(org, iupd);
  } catch (error) {
    if (!(error instanceof GpdError && (error.status === 404 || error.status === 409))) throw error;
  }
}

const brief = (error: unknown) => String((error as Error).message ?? error).slice(0, 500);

export async function syncPosition(
  deps: GpdDeps,
  job: Pick<JobRow, 'ente_id' | 'payload' | 'attempts' | 'max_attempts'>,
): Promise<void> {
  const enteId = job.ente_id;
  const position = await query.findPosition(deps.db, enteId, { id: String(job.payload.positionId) });
  if (!position) return;
  const record = (change: Parameters<typeof repo.setGpdState>[3], onlyIf?: { status: PositionStatus[] }) =>
    withTenant(deps.db, enteId, (trx) => repo.setGpdState(trx, enteId, position.id, change, onlyIf));
  const cancelled = position.status === 'cancelled';
  // A publication that failed may still have reached GPD (a timeout after GPD created it): a
  // cancelled position that was ever attempted is invalidated there, whatever we recorded.
  const maybeOnGpd = position.gpd.state === 'published' || position.gpd.attempts > 0;
  if (cancelled && !maybeOnGpd) {
    // Never sent: nothing to invalidate (a publication still in flight sees the cancellation).
    await record({ state: 'withdrawn', error: null }, { status: ['cancelled'] });
    return;
  }
  const publish = !cancelled && position.gpd.state === 'queued' && position.status === 'pending';
  const withdraw = cancelled && maybeOnGpd && position.gpd.state !== 'invalidated';
  if (!publish && !withdraw) return;
  try {
    const { gpd, org } = await gpdOf(deps, enteId);
    if (publish) {
      const { ente } = await getEnte(deps.db, enteId);
      await createAndPublish(gpd, org, toGpdModel(position, displayName(ente)));
      const live = await record(
        { state: 'published', error: null, attempted: true },
        { status: ['pending', 'expired', 'paid'] },
      );
      if (live) return;
      // Cancelled while it was being published: take it back.
    }
    await invalidate(gpd, org, position.iupd);
    await record({ state: 'invalidated', error: null, attempted: true });
  } catch (error) {
    // A refused key (401/403) is the ente's configuration, not this position's fault: keep retrying.
    const keyRefused = error instanceof GpdError && (error.status === 401 || error.status === 403);
    const retryable = !(error instanceof GpdError) || error.retryable || keyRefused;
    const retry = retryable && job.attempts < job.max_attempts;
    if (retry || !publish) {
      await record({ error: brief(error), attempted: true });
      if (retry) throw error;
      return;
    }
    // GPD refused the position, or never answered in all our attempts: it cannot be paid until an
    // operator looks at it.
    await withTenant(deps.db, enteId, async (trx) => {
      await repo.setGpdState(trx, enteId, position.id, {
        state: 'failed',
        error: brief(error),
        attempted: true,
      });
      if (
        await repo.setGpdState(
          trx,
          enteId,
          position.id,
          { status: 'failed', error: brief(error) },
          { status: ['pending'] },
        )
      ) {
        await recordAudit(trx, {
          enteId,
          actor: 'system:gpd-sync',
          action: 'payment.position.fail',
          targetType: 'payment_position',
          targetId: position.id,
          content: { iupd: position.iupd, error: brief(error) },
        });
      }
    });
  }
}
