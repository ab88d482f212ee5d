// The citizen's payments pages in the personal area: the list, a position with its notice and receipt
// downloads and the "Paga con pagoPA" button, and the page the citizen comes back to from checkout.
import type { ComponentChildren } from 'preact';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { PostButton } from '../../platform/layout/forms.tsx';
import { PersonalAreaFrame } from '../tenancy/index.ts';
import {
  day,
  euro,
  groupedNotice,
  mainOption,
  paidOptions,
  payableOptions,
  positionAmount,
  STATUS_BADGES,
  STATUS_LABELS,
} from './payments.present.ts';
import type { DebtPosition, PaymentOption } from './payments.schema.ts';

export type PayProblem = 'unavailable' | 'refused' | 'notPayable';
export type Outcome = 'ok' | 'annullato' | 'errore';

const base = (brand: PortalBrand) => `/${brand.slug}/area-personale/pagamenti`;

const Frame = (props: {
  ctx: PageContext;
  brand: PortalBrand;
  title: string;
  parent?: boolean;
  children: ComponentChildren;
}) => (
  <PersonalAreaFrame
    ctx={props.ctx}
    brand={props.brand}
    title={props.title}
    parent={
      props.parent ? { label: props.ctx.t('payments.citizen.title'), href: base(props.brand) } : undefined
    }
  >
    {props.children}
  </PersonalAreaFrame>
);

export const StatusBadge = ({ ctx, status }: { ctx: PageContext; status: DebtPosition['status'] }) => (
  <span class={STATUS_BADGES[status]} data-status={status}>
    {ctx.t(STATUS_LABELS[status])}
  </span>
);

export function CitizenList(props: {
  ctx: PageContext;
  brand: PortalBrand;
  positions: DebtPosition[];
  identified: boolean;
}) {
  const { ctx, brand, positions } = props;
  const { t, lang } = ctx;
  return (
    <Frame ctx={ctx} brand={brand} title={t('payments.citizen.title')}>
      <p>{t('payments.citizen.lead', { name: brand.name })}</p>
      {!props.identified && <p class="alert alert-info">{t('payments.citizen.noFiscalCode')}</p>}
      {props.identified && positions.length === 0 && <p>{t('payments.citizen.none')}</p>}
      {positions.length > 0 && (
        <div class="table-responsive">
          <table class="table" data-payments-list>
            <caption class="visually-hidden">{t('payments.citizen.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('payments.col.subject')}</th>
                <th scope="col" class="text-end">
                  {t('payments.col.amount')}
                </th>
                <th scope="col">{t('payments.col.due')}</th>
                <th scope="col">{t('payments.col.notice')}</th>
                <th scope="col">{t('payments.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {positions.map((p) => (
                <tr data-position={p.id}>
                  <td>
                    <a href={`${base(brand)}/${p.id}`}>{p.description}</a>
                  </td>
                  <td class="text-end text-nowrap">{euro(lang, positionAmount(p))}</td>
                  <td class="text-nowrap">{day(p.dueDate)}</td>
                  <td class="text-nowrap">{groupedNotice(mainOption(p)?.noticeNumber ?? '')}</td>
                  <td>
                    <StatusBadge ctx={ctx} status={p.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Frame>
  );
}

export function Problem({ ctx, problem }: { ctx: PageContext; problem: PayProblem | null }) {
  if (!problem) return null;
  return (
    <div class="alert alert-warning" role="alert" data-pay-problem={problem}>
      {ctx.t(`payments.pay.${problem}` as 'payments.pay.unavailable')}
    </div>
  );
}

export function CitizenPosition(props: {
  ctx: PageContext;
  brand: PortalBrand;
  position: DebtPosition;
  csrf: string;
  problem: PayProblem | null;
}) {
  const { ctx, brand, position: p, csrf } = props;
  const { t, lang } = ctx;
  const here = `${base(brand)}/${p.id}`;
  const payable = payableOptions(p);
  const several = p.options.length > 1;
  // Pending on pagoPA but not published yet (or GPD unreachable): paying online is not possible now.
  const waiting = p.status === 'pending' && payable.length === 0;
  return (
    <Frame ctx={ctx} brand={brand} title={p.description} parent>
      <p>
        <StatusBadge ctx={ctx} status={p.status} />
      </p>
      <Problem ctx={ctx} problem={props.problem ?? (waiting ? 'unavailable' : null)} />
      <dl class="row">
        <dt class="col-sm-4">{t('payments.col.amount')}</dt>
        <dd class="col-sm-8" data-amount>
          {euro(lang, positionAmount(p))}
        </dd>
        <dt class="col-sm-4">{t('payments.col.due')}</dt>
        <dd class="col-sm-8">{day(p.dueDate)}</dd>
        <dt class="col-sm-4">{t('payments.col.notice')}</dt>
        <dd class="col-sm-8 text-nowrap">{groupedNotice(mainOption(p)?.noticeNumber ?? '')}</dd>
        <dt class="col-sm-4">{t('payments.col.creditor')}</dt>
        <dd class="col-sm-8">{brand.name}</dd>
        <dt class="col-sm-4">{t('payments.col.debtor')}</dt>
        <dd class="col-sm-8">{`${p.debtor.fullName} (${p.debtor.fiscalCode})`}</dd>
      </dl>
      {several && (
        <table class="table" data-options>
          <caption>{t('payments.citizen.options')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('payments.col.subject')}</th>
              <th scope="col">{t('payments.col.notice')}</th>
              <th scope="col">{t('payments.col.due')}</th>
              <th scope="col" class="text-end">
                {t('payments.col.amount')}
              </th>
              <th scope="col">{t('payments.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {p.options.map((o) => (
              <tr>
                <td>
                  {o.isInstalment
                    ? t('payments.option.instalment', { n: o.seq })
                    : t('payments.option.single')}
                </td>
                <td class="text-nowrap">{groupedNotice(o.noticeNumber)}</td>
                <td class="text-nowrap">{day(o.dueDate)}</td>
                <td class="text-end text-nowrap">{euro(lang, o.amountCents)}</td>
                <td>{t(o.status === 'paid' ? 'payments.option.paid' : 'payments.option.unpaid')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="d-flex flex-wrap gap-3 mt-4">
        {payable.map((o) => (
          <PostButton
            action={`${here}/paga`}
            csrf={csrf}
            label={
              several
                ? t('payments.pay.buttonOption', { amount: euro(lang, o.amountCents), due: day(o.dueDate) })
                : t('payments.pay.button')
            }
            button="btn btn-primary"
            hidden={{ iuv: o.iuv }}
          />
        ))}
        {p.status !== 'cancelled' && (
          <a class="btn btn-outline-primary" href={`${here}/avviso`} data-download="notice">
            {t('payments.download.notice')}
          </a>
        )}
        {paidOptions(p).map((o) => (
          <a class="btn btn-outline-primary" href={`${here}/ricevute/${o.iuv}`} data-download="receipt">
            {several
              ? t('payments.download.receiptOption', { notice: groupedNotice(o.noticeNumber) })
              : t('payments.download.receipt')}
          </a>
        ))}
      </div>
    </Frame>
  );
}

export function PayOutcome(props: {
  ctx: PageContext;
  brand: PortalBrand;
  position: DebtPosition;
  /** The option the citizen went to pay (from the return address), when known. */
  option: PaymentOption | undefined;
  outcome: Outcome;
  selfUrl: string;
}) {
  const { ctx, brand, position: p, outcome, option } = props;
  const { t } = ctx;
  const here = `${base(brand)}/${p.id}`;
  const paid = option ? option.status === 'paid' : p.status === 'paid';
  const receipts = paidOptions(p).filter((o) => !option || o.iuv === option.iuv);
  const state = paid
    ? 'paid'
    : outcome === 'ok'
      ? 'confirming'
      : outcome === 'annullato'
        ? 'cancelled'
        : 'failed';
  const title = t(`payments.outcome.${state}.title` as 'payments.outcome.paid.title');
  return (
    <Frame ctx={ctx} brand={brand} title={title} parent>
      <div class={paid ? 'alert alert-success' : 'alert alert-info'} role="status" data-outcome={state}>
        {t(`payments.outcome.${state}.body` as 'payments.outcome.paid.body')}
      </div>
      <p>
        {p.description}: <StatusBadge ctx={ctx} status={p.status} />
      </p>
      <div class="d-flex flex-wrap gap-3 mt-4">
        {state === 'confirming' && (
          <a class="btn btn-primary" href={props.selfUrl} data-reload>
            {t('payments.outcome.reload')}
          </a>
        )}
        {receipts.map((o) => (
          <a class="btn btn-primary" href={`${here}/ricevute/${o.iuv}`} data-download="receipt">
            {t('payments.download.receipt')}
          </a>
        ))}
        <a class="btn btn-outline-primary" href={here}>
          {t('payments.outcome.back')}
        </a>
      </div>
    </Frame>
  );
}
