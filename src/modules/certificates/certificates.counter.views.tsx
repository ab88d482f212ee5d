// Views of the registry office's counter: finding a person by fiscal code, issuing a certificate for them
// (stamp duty by exemption, marca da bollo or a pagoPA notice) and the list of the ente's certificates;
// one certificate is in certificates.office.views.tsx.
import { isMinorOn, todayInRome } from '../../platform/dates.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field, SelectField } from '../../platform/layout/forms.tsx';
import { filterQuery, Pager } from '../../platform/layout/Pager.tsx';
import type { RegistryFamily, RegistryPerson } from '../registry/index.ts';
import { RegistryFrame, registryBase, relationshipLabel } from '../registry/index.ts';
import { CERTIFICATE_TYPE_INFO, CERTIFICATE_TYPES } from './certificate-types.ts';
import { StatusBadge, typeTitle, when } from './certificates.citizen.views.tsx';
import type { TypeChoice } from './certificates.manage.ts';
import type { CertificateSummary } from './certificates.repo.ts';
import { EXEMPTIONS } from './exemptions.ts';

export type StampDuty = 'esenzione' | 'contrassegno' | 'pagopa';
export interface IssueForm {
  tipo: string;
  bollo: string;
  esenzione: string;
  contrassegno: string;
  /** Who pays the pagoPA notice, when not the subject: fiscal code and, outside the family, name. */
  pagatore: string;
  pagatore_nome: string;
}
export type IssueErrors = Partial<Record<'cf' | keyof IssueForm, string>>;

/** The summary's links go to the first control of each field that can be chosen. */
const summaryOf = (errors: Record<string, string | undefined>, types: TypeChoice[] = [], pagopa = true) =>
  Object.entries(errors).map(([field, message]) => ({
    field:
      field === 'tipo'
        ? `tipo-${types.find((c) => c.unavailable === null)?.type ?? 'error'}`
        : field === 'bollo'
          ? `bollo-${pagopa ? 'pagopa' : 'contrassegno'}`
          : field,
    message: message!,
  }));

export function CounterPage(props: {
  ctx: PageContext;
  brand: PortalBrand;
  csrf: string;
  cf: string;
  found: { person: RegistryPerson; family: RegistryFamily | null; types: TypeChoice[] } | null;
  notFound: boolean;
  /** Whether the ente's pagoPA settings are in place: without them a notice cannot be created. */
  pagopa: boolean;
  form: IssueForm;
  errors: IssueErrors;
}) {
  const { ctx, brand, found, errors } = props;
  // The form starts on a pagoPA notice, or on a marca da bollo where pagoPA is not set up.
  const form =
    props.pagopa || props.form.bollo !== 'pagopa' ? props.form : { ...props.form, bollo: 'contrassegno' };
  const { t } = ctx;
  const base = registryBase(brand);
  return (
    <RegistryFrame ctx={ctx} brand={brand} title={t('registry.bo.tab.counter')} tab="counter">
      <ErrorSummary title={t('certs.form.errors')} errors={summaryOf(errors, found?.types, props.pagopa)} />
      <form method="get" action={base} class="mb-4" novalidate>
        <Field name="cf" label={t('counter.cf')} value={props.cf} error={errors.cf} maxLength={40} />
        <button type="submit" class="btn btn-outline-primary mt-2">
          {t('counter.search')}
        </button>
      </form>
      {props.notFound && (
        <div class="alert alert-warning" role="status">
          {t('counter.notFound')}
        </div>
      )}
      {found && <Person ctx={ctx} brand={brand} person={found.person} family={found.family} />}
      {found && (
        <form method="post" action={`${base}/rilascio`} novalidate>
          <h2 class="h4 mt-4">{t('counter.issue')}</h2>
          <CsrfField token={props.csrf} />
          <input type="hidden" name="cf" value={found.person.fiscalCode} />
          <fieldset aria-describedby={errors.tipo ? 'tipo-error' : undefined}>
            <legend class="h6">{t('certs.form.tipo')}</legend>
            {errors.tipo && (
              <div class="invalid-feedback d-block" id="tipo-error" tabIndex={-1}>
                {errors.tipo}
              </div>
            )}
            {found.types.map((c) => (
              <div class="form-check">
                <input
                  type="radio"
                  name="tipo"
                  id={`tipo-${c.type}`}
                  value={c.type}
                  checked={form.tipo === c.type}
                  disabled={c.unavailable !== null}
                  aria-describedby={c.unavailable ? `tipo-${c.type}-why` : undefined}
                />
                <label for={`tipo-${c.type}`}>
                  {typeTitle(ctx, c.type)}
                  {CERTIFICATE_TYPE_INFO[c.type].exemptByNature && ` – ${t('certs.form.exemptByNature')}`}
                </label>
                {c.unavailable && (
                  <small class="d-block text-muted" id={`tipo-${c.type}-why`} lang="it">
                    {c.unavailable}
                  </small>
                )}
              </div>
            ))}
          </fieldset>
          <fieldset class="mt-4">
            <legend class="h6">{t('certs.form.esenzione')}</legend>
            {errors.bollo && (
              <div class="invalid-feedback d-block" id="bollo-error">
                {errors.bollo}
              </div>
            )}
            {(['pagopa', 'contrassegno', 'esenzione'] as const).map((kind) => {
              const off = kind === 'pagopa' && !props.pagopa;
              const described = [errors.bollo ? 'bollo-error' : '', off ? 'bollo-pagopa-why' : '']
                .filter(Boolean)
                .join(' ');
              return (
                <div class="form-check">
                  <input
                    type="radio"
                    name="bollo"
                    id={`bollo-${kind}`}
                    value={kind}
                    checked={form.bollo === kind}
                    disabled={off}
                    aria-describedby={described || undefined}
                  />
                  <label for={`bollo-${kind}`}>{t(`counter.bollo.${kind}`)}</label>
                  {off && (
                    <small class="d-block text-muted" id="bollo-pagopa-why">
                      {t('counter.bollo.pagopaOff')}
                    </small>
                  )}
                </div>
              );
            })}
          </fieldset>
          <Field
            name="contrassegno"
            label={t('counter.contrassegno')}
            value={form.contrassegno}
            error={errors.contrassegno}
            inputMode="numeric"
            maxLength={14}
          />
          <SelectField
            name="esenzione"
            label={t('counter.esenzione')}
            value={form.esenzione}
            error={errors.esenzione}
            options={[
              { value: '', label: '—' },
              ...EXEMPTIONS.map((e) => ({ value: e.code, label: `${e.label} (${e.reference})`, lang: 'it' })),
            ]}
          />
          {props.pagopa && (
            <fieldset class="mt-4" aria-describedby="pagatore-lead">
              <legend class="h6">{t('counter.payer')}</legend>
              <p class="form-text" id="pagatore-lead">
                {t(
                  isMinorOn(found.person.birthDate, todayInRome())
                    ? 'counter.payer.leadMinor'
                    : 'counter.payer.lead',
                )}
              </p>
              <Field
                name="pagatore"
                label={t('counter.payer.cf')}
                value={form.pagatore}
                error={errors.pagatore}
                maxLength={40}
                spellcheck={false}
              />
              <Field
                name="pagatore_nome"
                label={t('counter.payer.name')}
                value={form.pagatore_nome}
                error={errors.pagatore_nome}
                maxLength={140}
                hint={t('counter.payer.nameHint')}
              />
            </fieldset>
          )}
          <button type="submit" class="btn btn-primary mt-4">
            {t('counter.submit')}
          </button>
        </form>
      )}
    </RegistryFrame>
  );
}

function Person(props: {
  ctx: PageContext;
  brand: PortalBrand;
  person: RegistryPerson;
  family: RegistryFamily | null;
}) {
  const { ctx, brand, person: p, family } = props;
  const { t } = ctx;
  const address = family
    ? `${family.address.street}${family.address.civicNumber ? ` ${family.address.civicNumber}` : ''}, ${family.address.locality}`
    : '—';
  return (
    <section class="card-wrapper" aria-labelledby="person-title">
      <div class="card card-bg">
        <div class="card-body">
          <h2 class="h4" id="person-title" data-person={p.fiscalCode}>
            {`${p.surname} ${p.givenName}`}
          </h2>
          <dl class="row mb-0">
            <dt class="col-sm-4">{t('counter.birth')}</dt>
            <dd class="col-sm-8">
              {`${p.birthDate.split('-').reverse().join('/')}, ${
                p.birthPlace.kind === 'comune' ? p.birthPlace.name : p.birthPlace.country
              }`}
            </dd>
            <dt class="col-sm-4">{t('counter.address')}</dt>
            <dd class="col-sm-8">{address}</dd>
            {p.deathDate && (
              <>
                <dt class="col-sm-4">{t('counter.death')}</dt>
                <dd class="col-sm-8">{p.deathDate.split('-').reverse().join('/')}</dd>
              </>
            )}
          </dl>
          {family && family.members.length > 1 && (
            <>
              <h3 class="h6 mt-3">{t('counter.family')}</h3>
              <ul>
                {family.members.map((m) => {
                  const name = `${m.person.surname} ${m.person.givenName}`;
                  return (
                    <li>
                      {m.person.fiscalCode === p.fiscalCode ? (
                        name
                      ) : (
                        <a href={`${registryBase(brand)}?cf=${m.person.fiscalCode}`}>{name}</a>
                      )}
                      {` – ${relationshipLabel(m.relationship, m.person.sex, ctx.lang)}`}
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

export interface ListForm {
  numero: string;
  cf: string;
  tipo: string;
  stato: string;
  canale: string;
}

export function IssuedList(props: {
  ctx: PageContext;
  brand: PortalBrand;
  form: ListForm;
  items: CertificateSummary[];
  total: number;
  page: number;
  pages: number;
}) {
  const { ctx, brand, form, items } = props;
  const { t } = ctx;
  const base = `${registryBase(brand)}/certificati`;
  const any = { value: '', label: t('payments.bo.any') };
  return (
    <RegistryFrame ctx={ctx} brand={brand} title={t('registry.bo.tab.issued')} tab="issued">
      <form method="get" action={base} class="mb-4" novalidate>
        <div class="row">
          <div class="col-md-4">
            <Field name="numero" label={t('certs.col.number')} value={form.numero} maxLength={20} />
          </div>
          <div class="col-md-4">
            <Field name="cf" label={t('counter.cf')} value={form.cf} maxLength={16} />
          </div>
          <div class="col-md-4">
            <SelectField
              name="tipo"
              label={t('certs.col.type')}
              value={form.tipo}
              options={[
                any,
                ...CERTIFICATE_TYPES.map((type) => ({ value: type, label: typeTitle(ctx, type) })),
              ]}
            />
          </div>
          <div class="col-md-4">
            <SelectField
              name="stato"
              label={t('certs.col.status')}
              value={form.stato}
              options={[
                any,
                ...(['issued', 'awaiting_payment', 'revoked'] as const).map((s) => ({
                  value: s,
                  label: t(`certs.status.${s}`),
                })),
              ]}
            />
          </div>
          <div class="col-md-4">
            <SelectField
              name="canale"
              label={t('certs.col.channel')}
              value={form.canale}
              options={[
                any,
                { value: 'online', label: t('counter.channel.online') },
                { value: 'counter', label: t('counter.channel.counter') },
              ]}
            />
          </div>
        </div>
        <button type="submit" class="btn btn-outline-primary">
          {t('counter.filter')}
        </button>
      </form>
      <p aria-live="polite">{t('counter.total', { n: props.total })}</p>
      {items.length > 0 && (
        <div class="table-responsive">
          <table class="table" data-certificates>
            <caption class="visually-hidden">{t('registry.bo.tab.issued')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('certs.col.number')}</th>
                <th scope="col">{t('certs.col.type')}</th>
                <th scope="col">{t('certs.col.subject')}</th>
                <th scope="col">{t('certs.col.channel')}</th>
                <th scope="col">{t('certs.col.requested')}</th>
                <th scope="col">{t('certs.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr data-certificate={c.number}>
                  <td class="text-nowrap">
                    <a href={`${base}/${c.id}`}>{c.number}</a>
                  </td>
                  <td>{typeTitle(ctx, c.type)}</td>
                  <td class="text-nowrap">{c.subject_fiscal_code}</td>
                  <td>{t(`counter.channel.${c.channel}`)}</td>
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
      <Pager
        ctx={ctx}
        page={props.page}
        pages={props.pages}
        href={(n) => `${base}?${filterQuery(form, n)}`}
      />
    </RegistryFrame>
  );
}
