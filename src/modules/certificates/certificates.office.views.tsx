// The registry office's view of one certificate: its data, the PDF or the pagoPA notice, and its
// revocation with a reason and a confirmation (revocation cannot be undone).
import type { PageContext, PortalBrand } from '../../platform/layout/context.ts';
import { CsrfField, ErrorSummary, Field } from '../../platform/layout/forms.tsx';
import { RegistryFrame, registryBase } from '../registry/index.ts';
import { RequestedIssued, StatusBadge, typeTitle } from './certificates.citizen.views.tsx';
import type { CertificateSummary } from './certificates.repo.ts';

export function OfficeCertificate(props: {
  ctx: PageContext;
  brand: PortalBrand;
  csrf: string;
  certificate: CertificateSummary;
  reason: string;
  error?: string | undefined;
  confirmError?: string | undefined;
  notice: boolean;
}) {
  const { ctx, brand, certificate: c } = props;
  const { t } = ctx;
  const here = `${registryBase(brand)}/certificati/${c.id}`;
  return (
    <RegistryFrame ctx={ctx} brand={brand} title={c.number} tab="issued" sub>
      <ErrorSummary
        title={t('certs.form.errors')}
        errors={[
          ...(props.error ? [{ field: 'motivo', message: props.error }] : []),
          ...(props.confirmError ? [{ field: 'conferma', message: props.confirmError }] : []),
        ]}
      />
      <p>
        <StatusBadge ctx={ctx} status={c.status} />
      </p>
      <dl class="row">
        <dt class="col-sm-4">{t('certs.col.type')}</dt>
        <dd class="col-sm-8">{typeTitle(ctx, c.type)}</dd>
        <dt class="col-sm-4">{t('certs.col.subject')}</dt>
        <dd class="col-sm-8">{c.subject_fiscal_code}</dd>
        <dt class="col-sm-4">{t('certs.col.channel')}</dt>
        <dd class="col-sm-8">{t(`counter.channel.${c.channel}`)}</dd>
        <RequestedIssued ctx={ctx} certificate={c} />
        <dt class="col-sm-4">{t('certs.col.stampDuty')}</dt>
        <dd class="col-sm-8">
          {c.exemption_code
            ? `${t('certs.stampDuty.exempt')} (${c.exemption_code})`
            : c.stamp_duty_cents === 0
              ? t('certs.stampDuty.exempt')
              : c.stamp_duty_mark
                ? t('counter.markNumber', { mark: c.stamp_duty_mark })
                : t('counter.bollo.pagopa')}
        </dd>
        {c.revoked_reason && (
          <>
            <dt class="col-sm-4">{t('counter.revokedReason')}</dt>
            <dd class="col-sm-8">{c.revoked_reason}</dd>
          </>
        )}
      </dl>
      <div class="d-flex flex-wrap gap-3 mb-4">
        {c.status !== 'awaiting_payment' && (
          <a class="btn btn-primary" href={`${here}/pdf`} data-download="certificate">
            {t('certs.download')}
          </a>
        )}
        {props.notice && (
          <a class="btn btn-outline-primary" href={`${here}/avviso`} data-download="notice">
            {t('payments.download.notice')}
          </a>
        )}
      </div>
      {c.status === 'issued' && (
        <form method="post" action={`${here}/revoca`} novalidate>
          <h2 class="h5">{t('counter.revoke')}</h2>
          <CsrfField token={props.csrf} />
          <Field
            name="motivo"
            label={t('counter.revokeReason')}
            value={props.reason}
            error={props.error}
            maxLength={500}
          />
          <div class="form-check mt-2">
            <input
              id="conferma"
              name="conferma"
              type="checkbox"
              value="1"
              aria-invalid={props.confirmError ? 'true' : undefined}
              aria-describedby={props.confirmError ? 'conferma-error' : undefined}
            />
            <label for="conferma">{t('counter.revokeConfirm')}</label>
            {props.confirmError && (
              <div class="invalid-feedback d-block" id="conferma-error">
                {props.confirmError}
              </div>
            )}
          </div>
          <button type="submit" class="btn btn-outline-danger mt-2">
            {t('counter.revoke')}
          </button>
        </form>
      )}
    </RegistryFrame>
  );
}
