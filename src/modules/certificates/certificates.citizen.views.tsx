// The citizen's certificates pages in the personal area: the list with each certificate's state, the
// request form (whom for, which type — unavailable ones with the reason —, stamp duty or an exemption),
// and a certificate's page (download, or the €16 stamp duty to pay with pagoPA first).
import type { ComponentChildren } from 'preact';
import { formatDate, type MessageKey } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, PostButton } from '../../platform/layout/forms.tsx';
import { type DebtPosition, groupedNotice, payableOptions } from '../payments/index.ts';
import { relationshipLabel } from '../registry/index.ts';
import { PersonalAreaFrame } from '../tenancy/index.ts';
import { CERTIFICATE_TYPE_INFO, type CertificateType } from './certificate-types.ts';
import type { SubjectChoice, TypeChoice } from './certificates.manage.ts';
import type { CertificateStatus, CertificateSummary } from './certificates.repo.ts';
import { EXEMPTIONS } from './exemptions.ts';

export const citizenBase = (brand: PortalBrand) => `/${brand.slug}/area-personale/certificati`;

export type FormErrors = Partial<Record<'tipo' | 'esenzione', string>>;
export type PayOutcome = 'ok' | 'annullato' | 'errore';

export const typeTitle = (ctx: PageContext, type: CertificateType) =>
  ctx.t(`certs.type.${type}` as MessageKey);

const STATUS_BADGE: Record<CertificateStatus, string> = {
  awaiting_payment: 'badge bg-warning text-dark',
  issued: 'badge bg-success',
  revoked: 'badge bg-danger',
};
export const StatusBadge = ({ ctx, status }: { ctx: PageContext; status: CertificateStatus }) => (
  <span class={STATUS_BADGE[status]} data-status={status}>
    {ctx.t(`certs.status.${status}` as MessageKey)}
  </span>
);

export const when = (ctx: PageContext, at: Date) => formatDate(ctx.lang, at, 'moment');

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
    parent={props.parent ? { label: props.ctx.t('certs.title'), href: citizenBase(props.brand) } : undefined}
  >
    {props.children}
  </PersonalAreaFrame>
);

export function CitizenCertificates(props: {
  ctx: PageContext;
  brand: PortalBrand;
  items: CertificateSummary[];
  identified: boolean;
}) {
  const { ctx, brand, items } = props;
  const { t } = ctx;
  return (
    <Frame ctx={ctx} brand={brand} title={t('certs.title')}>
      <p>{t('certs.lead', { name: brand.name })}</p>
      {!props.identified && <p class="alert alert-info">{t('certs.noFiscalCode')}</p>}
      {props.identified && (
        <p>
          <a class="btn btn-primary" href={`${citizenBase(brand)}/nuovo`}>
            {t('certs.new')}
          </a>
        </p>
      )}
      {props.identified && items.length === 0 && <p>{t('certs.none')}</p>}
      {items.length > 0 && (
        <div class="table-responsive">
          <table class="table" data-certificates>
            <caption class="visually-hidden">{t('certs.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('certs.col.type')}</th>
                <th scope="col">{t('certs.col.number')}</th>
                <th scope="col">{t('certs.col.subject')}</th>
                <th scope="col">{t('certs.col.requested')}</th>
                <th scope="col">{t('certs.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr data-certificate={c.number}>
                  <td>
                    <a href={`${citizenBase(brand)}/${c.id}`}>{typeTitle(ctx, c.type)}</a>
                  </td>
                  <td class="text-nowrap">{c.number}</td>
                  <td class="text-nowrap">{c.subject_fiscal_code}</td>
                  <td class="text-nowrap">{when(ctx, c.requested_at)}</td>
                  <td>
                    <StatusBadge ctx={ctx} status={c.status} />
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

/** When the certificate was requested and, once it was, issued: rows of a description list. */
export function RequestedIssued({
  ctx,
  certificate: c,
}: {
  ctx: PageContext;
  certificate: CertificateSummary;
}) {
  return (
    <>
      <dt class="col-sm-4">{ctx.t('certs.col.requested')}</dt>
      <dd class="col-sm-8">{when(ctx, c.requested_at)}</dd>
      {c.issued_at && (
        <>
          <dt class="col-sm-4">{ctx.t('certs.col.issued')}</dt>
          <dd class="col-sm-8">{when(ctx, c.issued_at)}</dd>
        </>
      )}
    </>
  );
}

const personLabel = (s: SubjectChoice, ctx: PageContext) =>
  `${s.person.givenName} ${s.person.surname} (${s.person.fiscalCode})${
    s.self
      ? ` – ${ctx.t(s.person.sex === 'F' ? 'certs.form.selfFemale' : 'certs.form.self')}`
      : s.relationship
        ? ` – ${relationshipLabel(s.relationship, s.person.sex, ctx.lang)}`
        : ''
  }`;

/** Step 1 when the family has several members: whom the certificate is for (a GET form). */
export function ChooseSubject(props: { ctx: PageContext; brand: PortalBrand; subjects: SubjectChoice[] }) {
  const { ctx, brand, subjects } = props;
  const { t } = ctx;
  return (
    <Frame ctx={ctx} brand={brand} title={t('certs.new')} parent>
      <form method="get" action={`${citizenBase(brand)}/nuovo`}>
        <fieldset>
          <legend class="h5">{t('certs.form.persona')}</legend>
          {subjects.map((s, i) => (
            <div class="form-check">
              <input
                type="radio"
                name="persona"
                id={`persona-${i}`}
                value={s.person.fiscalCode}
                checked={i === 0}
              />
              <label for={`persona-${i}`}>{personLabel(s, ctx)}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit" class="btn btn-primary mt-3">
          {t('certs.form.continue')}
        </button>
      </form>
    </Frame>
  );
}

export function RequestForm(props: {
  ctx: PageContext;
  brand: PortalBrand;
  csrf: string;
  subject: SubjectChoice;
  types: TypeChoice[];
  /** Whether the family has other members (a link back to step 1). */
  others: boolean;
  values?: { tipo?: string; esenzione?: string };
  errors?: FormErrors;
  /** The type's error is the registry's own explanation, written in Italian only. */
  registryReason?: boolean;
}) {
  const { ctx, brand, subject, types, values = {}, errors = {} } = props;
  const reasonLang = props.registryReason && ctx.lang !== 'it' ? 'it' : undefined;
  const { t } = ctx;
  const available = types.filter((c) => !c.unavailable);
  const unavailable = types.filter((c) => c.unavailable);
  const summary = (Object.entries(errors) as [string, string][]).map(([field, message]) => ({
    // The type's link goes to its first radio button (the error alone when none can be chosen).
    field: field === 'tipo' ? `tipo-${available[0]?.type ?? 'error'}` : field,
    message,
  }));
  return (
    <Frame ctx={ctx} brand={brand} title={t('certs.new')} parent>
      <ErrorSummary title={t('certs.form.errors')} errors={summary} />
      <p>
        {t('certs.form.for')} <strong data-subject>{personLabel(subject, ctx)}</strong>
        {props.others && (
          <>
            {' '}
            <a href={`${citizenBase(brand)}/nuovo`}>{t('certs.form.change')}</a>
          </>
        )}
      </p>
      <form method="post" action={citizenBase(brand)} novalidate>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="persona" value={subject.person.fiscalCode} />
        <fieldset aria-describedby={errors.tipo ? 'tipo-error' : undefined}>
          <legend class="h5">{t('certs.form.tipo')}</legend>
          {errors.tipo && (
            <div class="invalid-feedback d-block" id="tipo-error" tabIndex={-1} lang={reasonLang}>
              {errors.tipo}
            </div>
          )}
          {available.map((c) => (
            <div class="form-check">
              <input
                type="radio"
                name="tipo"
                id={`tipo-${c.type}`}
                value={c.type}
                checked={values.tipo === c.type}
                aria-invalid={errors.tipo ? 'true' : undefined}
              />
              <label for={`tipo-${c.type}`}>
                {typeTitle(ctx, c.type)}
                {CERTIFICATE_TYPE_INFO[c.type].exemptByNature && ` – ${t('certs.form.exemptByNature')}`}
              </label>
            </div>
          ))}
        </fieldset>
        {unavailable.length > 0 && (
          <details class="mt-3">
            <summary>{t('certs.form.unavailable', { n: unavailable.length })}</summary>
            <ul data-unavailable>
              {unavailable.map((c) => (
                <li>
                  {typeTitle(ctx, c.type)}: <span lang="it">{c.unavailable}</span>
                </li>
              ))}
            </ul>
          </details>
        )}
        <div class="select-wrapper mt-4">
          <label for="esenzione">{t('certs.form.esenzione')}</label>
          <select
            id="esenzione"
            name="esenzione"
            aria-describedby={errors.esenzione ? 'esenzione-hint esenzione-error' : 'esenzione-hint'}
            aria-invalid={errors.esenzione ? 'true' : undefined}
            class={errors.esenzione ? 'is-invalid' : undefined}
          >
            <option value="" selected={!values.esenzione}>
              {t('certs.form.noExemption')}
            </option>
            {EXEMPTIONS.map((e) => (
              <option value={e.code} selected={values.esenzione === e.code} lang="it">
                {`${e.label} (${e.reference})`}
              </option>
            ))}
          </select>
          <small id="esenzione-hint" class="form-text">
            {t('certs.form.esenzioneHint')}
          </small>
          {errors.esenzione && (
            <div class="invalid-feedback d-block" id="esenzione-error">
              {errors.esenzione}
            </div>
          )}
        </div>
        <button type="submit" class="btn btn-primary mt-4">
          {t('certs.form.submit')}
        </button>
      </form>
    </Frame>
  );
}

export function CitizenCertificate(props: {
  ctx: PageContext;
  brand: PortalBrand;
  csrf: string;
  certificate: CertificateSummary;
  position: DebtPosition | null;
  outcome: PayOutcome | null;
  selfUrl: string;
}) {
  const { ctx, brand, certificate: c, position, outcome } = props;
  const { t } = ctx;
  const here = `${citizenBase(brand)}/${c.id}`;
  const payable = position ? payableOptions(position) : [];
  const waiting = c.status === 'awaiting_payment';
  const note: [string, MessageKey] | null = !waiting
    ? null
    : outcome === 'ok'
      ? ['confirming', 'certs.pay.confirming']
      : outcome === 'annullato'
        ? ['cancelled', 'certs.pay.cancelled']
        : outcome === 'errore'
          ? ['failed', 'certs.pay.failed']
          : payable.length === 0
            ? ['unavailable', 'certs.pay.unavailable']
            : null;
  return (
    <Frame ctx={ctx} brand={brand} title={typeTitle(ctx, c.type)} parent>
      <p>
        <StatusBadge ctx={ctx} status={c.status} />
      </p>
      {c.status === 'issued' && (
        <div class="alert alert-success" role="status">
          {t('certs.ready')}
        </div>
      )}
      {c.status === 'revoked' && (
        <div class="alert alert-danger" role="status">
          {t('certs.revoked', { reason: c.revoked_reason ?? '' })}
        </div>
      )}
      {waiting && <p>{t('certs.pay.lead')}</p>}
      {note && (
        <div class="alert alert-info" role="status" data-pay-state={note[0]}>
          {t(note[1])}
        </div>
      )}
      <dl class="row">
        <dt class="col-sm-4">{t('certs.col.number')}</dt>
        <dd class="col-sm-8" data-number>
          {c.number}
        </dd>
        <dt class="col-sm-4">{t('certs.col.subject')}</dt>
        <dd class="col-sm-8">{c.subject_fiscal_code}</dd>
        <RequestedIssued ctx={ctx} certificate={c} />
        <dt class="col-sm-4">{t('certs.col.stampDuty')}</dt>
        <dd class="col-sm-8">
          {c.stamp_duty_cents === 0 ? t('certs.stampDuty.exempt') : t('certs.stampDuty.due')}
        </dd>
        {position && (
          <>
            <dt class="col-sm-4">{t('payments.col.notice')}</dt>
            <dd class="col-sm-8 text-nowrap">{groupedNotice(position.options[0]?.noticeNumber ?? '')}</dd>
          </>
        )}
      </dl>
      <div class="d-flex flex-wrap gap-3 mt-4">
        {c.status === 'issued' && (
          <a class="btn btn-primary" href={`${here}/pdf`} data-download="certificate">
            {t('certs.download')}
          </a>
        )}
        {c.status !== 'awaiting_payment' && (
          <a class="btn btn-outline-primary" href={`/verifica/${c.number}?c=${c.verification_code}`}>
            {t('certs.verify')}
          </a>
        )}
        {/* Back from Checkout with a payment being confirmed: no second payment offered meanwhile. */}
        {waiting &&
          outcome !== 'ok' &&
          position &&
          payable.map((o) => (
            <PostButton
              action={`/${brand.slug}/area-personale/pagamenti/${position.id}/paga`}
              csrf={props.csrf}
              label={t('payments.pay.button')}
              button="btn btn-primary"
              hidden={{ iuv: o.iuv, ritorno: here }}
            />
          ))}
        {waiting && outcome === 'ok' && (
          <a class="btn btn-outline-primary" href={props.selfUrl} data-reload>
            {t('payments.outcome.reload')}
          </a>
        )}
        {waiting && position && (
          <a class="btn btn-outline-primary" href={`/${brand.slug}/area-personale/pagamenti/${position.id}`}>
            {t('certs.pay.details')}
          </a>
        )}
      </div>
    </Frame>
  );
}
