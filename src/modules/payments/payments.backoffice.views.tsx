// Views of the operators' positions: the filtered list with its pages and CSV export, and one position
// with its options, transfers, pagoPA state and documents.
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { ErrorSummary, Field, SelectField } from '../../platform/layout/forms.tsx';
import { filterQuery, Pager } from '../../platform/layout/Pager.tsx';
import { BackofficeFrame, backofficeBase } from './payments.backoffice-frame.tsx';
import { StatusBadge } from './payments.citizen.views.tsx';
import {
  day,
  euro,
  groupedNotice,
  instant,
  mainOption,
  paidOptions,
  positionAmount,
  STATUS_LABELS,
} from './payments.present.ts';
import { type DebtPosition, type PaymentItem, POSITION_STATUSES } from './payments.schema.ts';

export interface FilterForm {
  stato: string;
  cf: string;
  voce: string;
  dal: string;
  al: string;
}
export type FilterErrors = Partial<Record<keyof FilterForm, string>>;

export function PositionsList(props: {
  ctx: PageContext;
  brand: PortalBrand;
  form: FilterForm;
  errors: FilterErrors;
  items: PaymentItem[];
  positions: DebtPosition[];
  total: number;
  page: number;
  pages: number;
}) {
  const { ctx, brand, form, errors, positions } = props;
  const { t, lang } = ctx;
  const base = backofficeBase(brand);
  const summary = Object.entries(errors).map(([field, message]) => ({ field, message: message! }));
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={t('payments.bo.title')} tab="positions">
      <ErrorSummary title={t('admin.errors')} errors={summary} />
      <form method="get" action={base} class="mb-4" novalidate>
        <div class="row">
          <div class="col-md-4">
            <SelectField
              name="stato"
              label={t('payments.col.status')}
              value={form.stato}
              options={[
                { value: '', label: t('payments.bo.any') },
                ...POSITION_STATUSES.map((s) => ({ value: s, label: t(STATUS_LABELS[s]) })),
              ]}
            />
          </div>
          <div class="col-md-4">
            <Field
              name="cf"
              label={t('payments.bo.debtorFiscalCode')}
              value={form.cf}
              maxLength={16}
              error={errors.cf}
            />
          </div>
          <div class="col-md-4">
            <SelectField
              name="voce"
              label={t('payments.col.item')}
              value={form.voce}
              error={errors.voce}
              options={[
                { value: '', label: t('payments.bo.any') },
                ...props.items.map((i) => ({ value: i.code, label: `${i.code} – ${i.label}` })),
              ]}
            />
          </div>
          <div class="col-md-4">
            <Field
              name="dal"
              type="date"
              label={t('payments.bo.dueFrom')}
              value={form.dal}
              error={errors.dal}
            />
          </div>
          <div class="col-md-4">
            <Field name="al" type="date" label={t('payments.bo.dueTo')} value={form.al} error={errors.al} />
          </div>
        </div>
        <button type="submit" class="btn btn-primary mt-4">
          {t('payments.bo.filter')}
        </button>
      </form>
      <p role="status" data-total={props.total}>
        {t('payments.bo.found', { count: props.total })}{' '}
        {props.total > 0 && <a href={`${base}/export.csv?${filterQuery(form)}`}>{t('payments.bo.export')}</a>}
      </p>
      {positions.length > 0 && (
        <div class="table-responsive">
          <table class="table" data-positions>
            <caption class="visually-hidden">{t('payments.bo.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('payments.col.subject')}</th>
                <th scope="col">{t('payments.col.debtor')}</th>
                <th scope="col">{t('payments.col.item')}</th>
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
                    <a href={`${base}/posizioni/${p.id}`}>{p.description}</a>
                  </td>
                  <td>
                    {p.debtor.fullName}
                    <br />
                    <small>{p.debtor.fiscalCode}</small>
                  </td>
                  <td>{p.itemCode ?? '–'}</td>
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
      <Pager
        ctx={ctx}
        page={props.page}
        pages={props.pages}
        href={(n) => `${base}?${filterQuery(form, n)}`}
      />
    </BackofficeFrame>
  );
}

export function PositionDetail(props: { ctx: PageContext; brand: PortalBrand; position: DebtPosition }) {
  const { ctx, brand, position: p } = props;
  const { t, lang } = ctx;
  const here = `${backofficeBase(brand)}/posizioni/${p.id}`;
  const rows: [string, string][] = [
    [t('payments.col.status'), t(STATUS_LABELS[p.status])],
    [t('payments.col.amount'), euro(lang, positionAmount(p))],
    [t('payments.col.due'), day(p.dueDate)],
    [t('payments.col.debtor'), `${p.debtor.fullName} (${p.debtor.fiscalCode})`],
    [t('payments.bo.email'), p.debtor.email ?? '–'],
    [t('payments.col.item'), p.itemCode ?? '–'],
    ['IUPD', p.iupd],
    [t('payments.bo.source'), `${p.source.module} · ${p.source.ref}`],
    [t('payments.bo.gpd'), t(`payments.gpd.${p.gpd.state}` as 'payments.gpd.queued')],
    [t('payments.bo.createdAt'), instant(lang, p.createdAt)],
    [t('payments.bo.paidAt'), p.paidAt ? instant(lang, p.paidAt) : '–'],
  ];
  return (
    <BackofficeFrame ctx={ctx} brand={brand} title={p.description} tab="positions" sub>
      <dl class="row">
        {rows.map(([label, value]) => (
          <>
            <dt class="col-sm-4">{label}</dt>
            <dd class="col-sm-8">{value}</dd>
          </>
        ))}
      </dl>
      {p.gpd.error && (
        <div class="alert alert-warning" role="status">
          {t('payments.bo.gpdError', { attempts: p.gpd.attempts, error: p.gpd.error })}
        </div>
      )}
      <table class="table" data-options>
        <caption>{t('payments.citizen.options')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('payments.col.notice')}</th>
            <th scope="col">IUV</th>
            <th scope="col">{t('payments.col.due')}</th>
            <th scope="col" class="text-end">
              {t('payments.col.amount')}
            </th>
            <th scope="col">{t('payments.bo.transfers')}</th>
            <th scope="col">{t('payments.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {p.options.map((o) => (
            <tr>
              <td class="text-nowrap">{groupedNotice(o.noticeNumber)}</td>
              <td>{o.iuv}</td>
              <td class="text-nowrap">{day(o.dueDate)}</td>
              <td class="text-end text-nowrap">{euro(lang, o.amountCents)}</td>
              <td>
                <ul class="list-unstyled mb-0">
                  {o.transfers.map((tr) => (
                    <li>{`${euro(lang, tr.amountCents)} · ${tr.iban ?? tr.postalIban ?? t('payments.bo.stamp')} · ${tr.taxonomy}`}</li>
                  ))}
                </ul>
              </td>
              <td>{t(o.status === 'paid' ? 'payments.option.paid' : 'payments.option.unpaid')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="d-flex flex-wrap gap-3">
        {p.status !== 'cancelled' && (
          <a class="btn btn-outline-primary" href={`${here}/avviso`}>
            {t('payments.download.notice')}
          </a>
        )}
        {paidOptions(p).map((o) => (
          <a class="btn btn-outline-primary" href={`${here}/ricevute/${o.iuv}`}>
            {t('payments.download.receiptOption', { notice: groupedNotice(o.noticeNumber) })}
          </a>
        ))}
      </div>
    </BackofficeFrame>
  );
}
