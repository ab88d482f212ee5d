// The seal part of the certificate settings page: the seal in use (kind, holder, organizationIdentifier,
// issuer, validity, SHA-256 fingerprint) with a warning when it has expired or expires within 30 days,
// and the seals the ente has used (all of them still verify the certificates they sealed).
import { formatDate } from '../../platform/i18n/index.ts';
import type { PageContext } from '../../platform/layout/context.ts';
import type { SealInUse } from './certificate-settings.ts';

const EXPIRY_WARNING_DAYS = 30;
const hex = (fingerprint: string) => fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:');

export function CurrentSeal({ ctx, seal }: { ctx: PageContext; seal: SealInUse }) {
  const { t } = ctx;
  const daysLeft = Math.floor((seal.validTo.getTime() - Date.now()) / 86_400_000);
  return (
    <>
      {daysLeft < 0 ? (
        <div class="alert alert-danger" role="alert" data-seal-expired>
          {t('certAdmin.seal.expired')}
        </div>
      ) : (
        daysLeft <= EXPIRY_WARNING_DAYS && (
          <div class="alert alert-warning" role="alert" data-seal-expiring>
            {t('certAdmin.seal.expiring', { days: daysLeft })}
          </div>
        )
      )}
      <dl class="row" data-seal-current={seal.kind}>
        <dt class="col-sm-4">{t('certAdmin.seal.kind')}</dt>
        <dd class="col-sm-8">
          {seal.kind === 'test' ? t('certAdmin.seal.kind.test') : t('certAdmin.seal.kind.configured')}
        </dd>
        <dt class="col-sm-4">{t('certAdmin.seal.subject')}</dt>
        <dd class="col-sm-8">{seal.subject}</dd>
        {seal.organizationIdentifier && (
          <>
            <dt class="col-sm-4">{t('certAdmin.seal.organizationIdentifier')}</dt>
            <dd class="col-sm-8">{seal.organizationIdentifier}</dd>
          </>
        )}
        <dt class="col-sm-4">{t('certAdmin.seal.issuer')}</dt>
        <dd class="col-sm-8">{seal.issuer}</dd>
        <dt class="col-sm-4">{t('certAdmin.seal.validity')}</dt>
        <dd class="col-sm-8">
          <time dateTime={seal.validFrom.toISOString()}>
            {formatDate(ctx.lang, seal.validFrom, 'longDay')}
          </time>{' '}
          – <time dateTime={seal.validTo.toISOString()}>{formatDate(ctx.lang, seal.validTo, 'longDay')}</time>
        </dd>
        <dt class="col-sm-4">{t('certAdmin.seal.fingerprint')}</dt>
        <dd class="col-sm-8">
          <code class="text-break">{hex(seal.fingerprint)}</code>
        </dd>
      </dl>
    </>
  );
}

export function SealHistory({ ctx, seals }: { ctx: PageContext; seals: SealInUse[] }) {
  const { t } = ctx;
  return (
    <div class="table-responsive mt-4">
      <table class="table table-sm">
        <caption>{t('certAdmin.history.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('certAdmin.seal.subject')}</th>
            <th scope="col">{t('certAdmin.seal.kind')}</th>
            <th scope="col">{t('certAdmin.history.inUse')}</th>
            <th scope="col">{t('certAdmin.seal.fingerprint')}</th>
          </tr>
        </thead>
        <tbody>
          {seals.map((seal) => (
            <tr data-seal-history={seal.fingerprint}>
              <td>{seal.subject}</td>
              <td>
                {seal.kind === 'test' ? t('certAdmin.seal.kind.test') : t('certAdmin.seal.kind.configured')}
              </td>
              <td>
                {formatDate(ctx.lang, seal.inUseFrom, 'day')} –{' '}
                {seal.inUseTo ? formatDate(ctx.lang, seal.inUseTo, 'day') : t('certAdmin.history.current')}
              </td>
              <td>
                <code class="text-break">{hex(seal.fingerprint).slice(0, 23)}…</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
