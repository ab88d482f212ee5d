// The sandbox's GPD: debt positions created, published, invalidated and read like pagoPA's GPD v1 does,
// with its rules (transfers adding up to their option, an IBAN or a stamp per transfer, dates in order,
// unique IUPD, IUV and notice number per creditor) and its life cycle: DRAFT → (publish) PUBLISHED →
// VALID from the validity date → PARTIALLY_PAID / PAID; INVALID when invalidated; EXPIRED after the due
// date when switchToExpired. Time-driven changes are worked out when a position is read.
import type {
  DebtPositionStatus,
  PaymentOptionModel,
  PaymentPositionModel,
  PaymentPositionModelBaseResponse,
  TransferModel,
} from '../../modules/payments/gpd-client.ts';
import type { PaymentPositionInput } from './gpd.schema.ts';
import * as repo from './pagopa.repo.ts';

/** An answer other than success, as pagoPA's problem JSON. */
export class GpdProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const badRequest = (detail: string) => new GpdProblem(400, 'Bad Request', detail);
const notFound = (org: string, iupd: string) =>
  new GpdProblem(404, 'Not found', `No debt position found for organization ${org} and IUPD ${iupd}`);
const conflict = (detail: string) => new GpdProblem(409, 'Conflict', detail);

/** The notice number GPD gives an option: aux digit 3, then the IUV. */
export const navOf = (iuv: string) => `3${iuv}`;

const pick = <T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> =>
  Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Pick<T, K>;

const POSITION_FIELDS = [
  'iupd',
  'type',
  'payStandIn',
  'fiscalCode',
  'fullName',
  'streetName',
  'civicNumber',
  'postalCode',
  'city',
  'province',
  'region',
  'country',
  'email',
  'phone',
  'switchToExpired',
  'companyName',
  'officeName',
  'validityDate',
] as const;
const OPTION_FIELDS = [
  'iuv',
  'amount',
  'description',
  'isPartialPayment',
  'dueDate',
  'retentionDate',
  'paymentOptionMetadata',
] as const;
const TRANSFER_FIELDS = [
  'idTransfer',
  'amount',
  'organizationFiscalCode',
  'remittanceInformation',
  'category',
  'iban',
  'postalIban',
  'stamp',
  'companyName',
  'transferMetadata',
] as const;

/** The position as sent, declared fields only, after GPD's checks of content and dates. */
export function validPosition(input: PaymentPositionInput, now: Date): PaymentPositionModel {
  const validity = input.validityDate ? Date.parse(input.validityDate) : now.getTime();
  if (input.validityDate && validity < now.getTime())
    throw badRequest('validityDate must not be in the past');
  const iuvs = new Set<string>();
  for (const option of input.paymentOption) {
    if (iuvs.has(option.iuv)) throw badRequest(`IUV ${option.iuv} is repeated in the position`);
    iuvs.add(option.iuv);
    const due = Date.parse(option.dueDate);
    if (due < validity) throw badRequest(`dueDate of IUV ${option.iuv} must follow the validity date`);
    if (option.retentionDate && Date.parse(option.retentionDate) < due)
      throw badRequest(`retentionDate of IUV ${option.iuv} must follow its dueDate`);
    const ids = new Set(option.transfer.map((t) => t.idTransfer));
    if (ids.size !== option.transfer.length) throw badRequest(`idTransfer is repeated in IUV ${option.iuv}`);
    const sum = option.transfer.reduce((total, t) => total + t.amount, 0);
    if (sum !== option.amount)
      throw badRequest(
        `the transfers of IUV ${option.iuv} add up to ${sum}, not to its amount ${option.amount}`,
      );
    for (const t of option.transfer) {
      if (!t.iban === !t.stamp)
        throw badRequest(`transfer ${t.idTransfer} of IUV ${option.iuv} needs an iban or a stamp`);
      if (t.stamp && t.postalIban)
        throw badRequest(`transfer ${t.idTransfer} of IUV ${option.iuv}: a stamp excludes postalIban`);
    }
  }
  return {
    ...pick(input, POSITION_FIELDS),
    paymentOption: input.paymentOption.map((o) => ({
      ...pick(o, OPTION_FIELDS),
      transfer: o.transfer.map((t) => pick(t as TransferModel, TRANSFER_FIELDS)),
    })),
  } as PaymentPositionModel;
}

/** The status a position has now, time-driven changes included. */
export function statusNow(
  position: repo.PositionRow,
  options: repo.OptionRow[],
  now: Date,
): DebtPositionStatus {
  let status = position.status;
  if (status === 'PUBLISHED' && (!position.validity_date || position.validity_date <= now)) status = 'VALID';
  const unpaid = options.filter((o) => o.status === 'PO_UNPAID');
  const expired = unpaid.length > 0 && unpaid.every((o) => o.due_date < now);
  if (status === 'VALID' && position.model.switchToExpired && expired) status = 'EXPIRED';
  return status;
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : undefined);

function created(model: PaymentPositionModel, status: DebtPositionStatus): PaymentPositionModel {
  return {
    ...model,
    status,
    paymentOption: (model.paymentOption ?? []).map(
      (o): PaymentOptionModel => ({ ...o, nav: navOf(o.iuv), fee: 0, notificationFee: 0 }),
    ),
  };
}

/** What GET answers: PaymentPositionModelBaseResponse. */
export function positionResponse(
  org: string,
  position: repo.PositionRow,
  options: repo.OptionRow[],
  now: Date,
): PaymentPositionModelBaseResponse {
  const { model } = position;
  const byIuv = new Map((model.paymentOption ?? []).map((o) => [o.iuv, o]));
  const updated = iso(position.updated_at)!;
  return {
    iupd: model.iupd,
    organizationFiscalCode: org,
    type: model.type,
    companyName: model.companyName,
    ...(model.officeName ? { officeName: model.officeName } : {}),
    insertedDate: iso(position.inserted_at),
    ...(position.published_at ? { publishDate: iso(position.published_at) } : {}),
    ...(position.validity_date ? { validityDate: iso(position.validity_date) } : {}),
    ...(position.payment_date ? { paymentDate: iso(position.payment_date) } : {}),
    status: statusNow(position, options, now),
    lastUpdatedDate: updated,
    paymentOption: options.map((row) => {
      const o = byIuv.get(row.iuv)!;
      return {
        nav: row.nav,
        iuv: row.iuv,
        organizationFiscalCode: org,
        amount: Number(row.amount_cents),
        description: o.description,
        isPartialPayment: o.isPartialPayment,
        dueDate: iso(row.due_date),
        ...(o.retentionDate ? { retentionDate: iso(o.retentionDate) } : {}),
        ...(row.payment_date ? { paymentDate: iso(row.payment_date), paymentMethod: 'CP' } : {}),
        insertedDate: iso(position.inserted_at),
        fee: 0,
        notificationFee: 0,
        ...(row.psp_company ? { pspCompany: row.psp_company } : {}),
        ...(row.receipt_id ? { idReceipt: row.receipt_id } : {}),
        status: row.status,
        lastUpdatedDate: updated,
        paymentOptionMetadata: o.paymentOptionMetadata ?? [],
        transfer: (o.transfer ?? []).map((t) => ({
          organizationFiscalCode: t.organizationFiscalCode ?? org,
          ...(t.companyName ? { companyName: t.companyName } : {}),
          idTransfer: t.idTransfer,
          amount: t.amount,
          remittanceInformation: t.remittanceInformation,
          category: t.category,
          ...(t.iban ? { iban: t.iban } : {}),
          ...(t.postalIban ? { postalIban: t.postalIban } : {}),
          ...(t.stamp ? { stamp: t.stamp } : {}),
          insertedDate: iso(position.inserted_at),
          status: 'T_UNREPORTED' as const,
          lastUpdatedDate: updated,
          transferMetadata: t.transferMetadata ?? [],
        })),
      };
    }),
  };
}

async function existing(db: repo.Q, org: string, iupd: string): Promise<repo.PositionRow> {
  const position = await repo.findPosition(db, org, iupd);
  if (!position) throw notFound(org, iupd);
  return position;
}

export async function createPosition(
  db: repo.Q,
  org: string,
  input: PaymentPositionInput,
  toPublish: boolean,
  now = new Date(),
): Promise<PaymentPositionModel> {
  const model = validPosition(input, now);
  const options = model.paymentOption ?? [];
  const status: DebtPositionStatus = !toPublish ? 'DRAFT' : model.validityDate ? 'PUBLISHED' : 'VALID';
  await db.transaction().execute(async (trx) => {
    await repo.lockCreditor(trx, org);
    if (await repo.findPosition(trx, org, model.iupd))
      throw conflict(`The debt position with organization ${org} and IUPD ${model.iupd} already exists`);
    const taken = await repo.takenCodes(
      trx,
      org,
      options.map((o) => o.iuv),
      options.map((o) => navOf(o.iuv)),
    );
    if (taken.length > 0) throw conflict(`IUV ${taken[0]} of organization ${org} is already in use`);
    const rows = options.map((o) => ({ ...o, nav: navOf(o.iuv) }));
    await repo.insertPosition(trx, { org, model, status, publishedAt: toPublish ? now : null }, rows);
  });
  return created(model, status);
}

/** Publishes a DRAFT position; 409 in any other state. */
export async function publishPosition(db: repo.Q, org: string, iupd: string, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    await repo.lockCreditor(trx, org);
    const position = await existing(trx, org, iupd);
    if (position.status !== 'DRAFT')
      throw conflict(`The debt position ${iupd} is ${position.status}: only a DRAFT is published`);
    const status = position.validity_date && position.validity_date > now ? 'PUBLISHED' : 'VALID';
    await repo.setPositionStatus(trx, org, iupd, { status, publishedAt: now });
    return created(position.model, status);
  });
}

/** Invalidates a published or valid position; 409 once paid, expired or already invalid. */
export async function invalidatePosition(db: repo.Q, org: string, iupd: string, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    await repo.lockCreditor(trx, org);
    const position = await existing(trx, org, iupd);
    const status = statusNow(position, await repo.optionsOf(trx, org, iupd), now);
    if (status !== 'PUBLISHED' && status !== 'VALID')
      throw conflict(`The debt position ${iupd} is ${status}: it cannot be invalidated`);
    await repo.setPositionStatus(trx, org, iupd, { status: 'INVALID' });
    return created(position.model, 'INVALID');
  });
}

export async function getPosition(db: repo.Q, org: string, iupd: string, now = new Date()) {
  const position = await existing(db, org, iupd);
  return positionResponse(org, position, await repo.optionsOf(db, org, iupd), now);
}
