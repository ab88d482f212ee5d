// The ente admin's certificate settings page, /{slug}/admin/certificati: the seal in use (who it names,
// its issuer, validity and SHA-256 fingerprint, test or configured, a warning before it expires) with the
// upload of a new one, the seals used so far (those two in certificates.admin.seal.tsx), the stamp-duty
// authorisation and the coat of arms. Three plain forms with CSRF, each error next to its field and all of
// them summarised at the top.
import type { MessageKey } from '../../platform/i18n/index.ts';
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field, PostButton } from '../../platform/layout/forms.tsx';
import { EnteFrame } from '../tenancy/index.ts';
import { MAX_EMBLEM_BYTES } from './certificate-settings.emblem.ts';
import {
  MAX_P12_BYTES,
  type SettingsProblem,
  type StampAuthorisation,
  stampAuthorisationText,
} from './certificate-settings.rules.ts';
import type { CertificateSettings, SealInUse } from './certificate-settings.ts';
import { CurrentSeal, SealHistory } from './certificates.admin.seal.tsx';

export type AdminErrors = Partial<Record<string, SettingsProblem>>;

export interface AdminPageProps {
  ctx: PageContext;
  brand: PortalBrand;
  csrf: string;
  seals: SealInUse[];
  settings: CertificateSettings;
  sandbox: boolean;
  errors: AdminErrors;
  /** What was typed in the authorisation form, shown again with its errors. */
  stampForm?: StampAuthorisation | undefined;
  notice: MessageKey | null;
}

export const adminBase = (brand: PortalBrand) => `/${brand.slug}/admin/certificati`;
const problemText = (ctx: PageContext, problem: SettingsProblem) => ctx.t(`certAdmin.error.${problem}`);

export function CertificatesAdminPage(props: AdminPageProps) {
  const { ctx, brand, csrf, seals, settings, errors } = props;
  const { t } = ctx;
  const base = adminBase(brand);
  const error = (field: string) => (errors[field] ? problemText(ctx, errors[field]!) : undefined);
  const summary = Object.entries(errors).map(([field, problem]) => ({
    field,
    message: problemText(ctx, problem!),
  }));
  const current = seals.find((seal) => seal.inUseTo === null);
  const stamp = props.stampForm ?? settings.stampAuthorisation;
  const kib = (bytes: number) => Math.round(bytes / 1024);
  return (
    <EnteFrame ctx={ctx} brand={brand} title={t('certAdmin.title')}>
      <p>{t('certAdmin.lead', { name: brand.name })}</p>
      {props.notice && (
        <div class="alert alert-success" role="status">
          {t(props.notice)}
        </div>
      )}
      <ErrorSummary title={t('admin.errors')} errors={summary} />

      <section aria-labelledby="seal-title" class="mt-5">
        <h2 id="seal-title" class="h3">
          {t('certAdmin.seal.title')}
        </h2>
        {current ? (
          <CurrentSeal ctx={ctx} seal={current} />
        ) : (
          <p data-seal-none>{t(props.sandbox ? 'certAdmin.seal.noneSandbox' : 'certAdmin.seal.none')}</p>
        )}
        <h3 class="h5 mt-4">{t('certAdmin.seal.upload')}</h3>
        <p>{t('certAdmin.seal.upload.lead')}</p>
        <form method="post" action={`${base}/sigillo`} enctype="multipart/form-data" novalidate>
          <CsrfField token={csrf} />
          <Field
            type="file"
            required
            name="p12"
            label={t('certAdmin.seal.file')}
            hint={t('certAdmin.seal.file.hint', { kb: kib(MAX_P12_BYTES) })}
            accept=".p12,.pfx,application/x-pkcs12"
            error={error('p12')}
          />
          <Field
            name="passphrase"
            label={t('certAdmin.seal.passphrase')}
            type="password"
            autocomplete="off"
            maxLength={200}
            required
            error={error('passphrase')}
          />
          <button type="submit" class="btn btn-primary mt-2">
            {t('certAdmin.seal.submit')}
          </button>
        </form>
        {seals.length > 0 && <SealHistory ctx={ctx} seals={seals} />}
      </section>

      <section aria-labelledby="stamp-title" class="mt-5">
        <h2 id="stamp-title" class="h3">
          {t('certAdmin.stamp.title')}
        </h2>
        <p>{t('certAdmin.stamp.lead')}</p>
        {settings.stampAuthorisation ? (
          <p data-stamp-line>
            {t('certAdmin.stamp.preview')} «{stampAuthorisationText(settings.stampAuthorisation)}»
          </p>
        ) : (
          <p data-stamp-none>{t('certAdmin.stamp.none')}</p>
        )}
        <form method="post" action={`${base}/bollo`} novalidate>
          <CsrfField token={csrf} />
          <Field
            name="office"
            label={t('certAdmin.stamp.office')}
            value={stamp?.office ?? ''}
            maxLength={80}
            required
            error={error('office')}
          />
          <Field
            name="number"
            label={t('certAdmin.stamp.number')}
            value={stamp?.number ?? ''}
            maxLength={40}
            required
            error={error('number')}
          />
          <Field
            name="date"
            label={t('certAdmin.stamp.date')}
            type="date"
            value={stamp?.date ?? ''}
            maxLength={10}
            required
            error={error('date')}
          />
          <button type="submit" class="btn btn-primary mt-2">
            {t('admin.save')}
          </button>
        </form>
        {settings.stampAuthorisation && (
          <PostButton
            action={`${base}/bollo/rimuovi`}
            csrf={csrf}
            label={t('certAdmin.stamp.remove')}
            button="btn btn-outline-danger"
            form="mt-3"
          />
        )}
      </section>

      <section aria-labelledby="emblem-title" class="mt-5 mb-5">
        <h2 id="emblem-title" class="h3">
          {t('certAdmin.emblem.title')}
        </h2>
        <p>{t('certAdmin.emblem.lead')}</p>
        {settings.emblem ? (
          <figure class="figure" data-emblem>
            <img
              src={`${base}/stemma`}
              alt={t('certAdmin.emblem.alt', { name: brand.name })}
              class="figure-img"
              height={96}
            />
          </figure>
        ) : (
          <p data-emblem-none>{t('certAdmin.emblem.none')}</p>
        )}
        <form method="post" action={`${base}/stemma`} enctype="multipart/form-data" novalidate>
          <CsrfField token={csrf} />
          <Field
            type="file"
            required
            name="emblem"
            label={t('certAdmin.emblem.file')}
            hint={t('certAdmin.emblem.file.hint', { kb: kib(MAX_EMBLEM_BYTES) })}
            accept="image/png,image/jpeg"
            error={error('emblem')}
          />
          <button type="submit" class="btn btn-primary mt-2">
            {t('certAdmin.emblem.submit')}
          </button>
        </form>
        {settings.emblem && (
          <PostButton
            action={`${base}/stemma/rimuovi`}
            csrf={csrf}
            label={t('certAdmin.emblem.remove')}
            button="btn btn-outline-danger"
            form="mt-3"
          />
        )}
      </section>
    </EnteFrame>
  );
}
