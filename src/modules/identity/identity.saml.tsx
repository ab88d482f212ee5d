// SPID over SAML 2.0: the service provider's metadata, the hand-off to the chosen identity provider,
// the assertion consumer and the return inside the service. The "Entra con SPID" button lists the
// identity providers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { setLangCookie } from '../../platform/http/request-context.ts';
import type { MessageKey, Translate } from '../../platform/i18n/index.ts';
import { Page, safeNext, send } from './identity.layout.tsx';
import {
  beginSamlLogin,
  consumeSamlResponse,
  finishSamlLogin,
  type SamlLoginDeps,
} from './saml/saml-login.ts';
import type { SpidServiceProvider } from './saml/service-provider.ts';
import { setSessionCookie } from './session-cookie.ts';

const PENDING_COOKIE = 'cz_saml';
const COOKIE_PATH = '/accedi/saml';

/** SPID error numbers (Tabella messaggi di anomalia) that need their own message to the citizen. */
const ANOMALIES = new Set([19, 20, 21, 22, 23, 25]);

export function samlLoginPages(app: FastifyInstance, deps: SamlLoginDeps & { secureCookies: boolean }) {
  const hide = { schema: { hide: true } };
  const { sp } = deps;

  app.get('/accedi/saml/metadata', hide, (_request, reply) =>
    reply
      .type('application/samlmetadata+xml')
      .header('cache-control', 'public, max-age=3600')
      .send(sp.metadata()),
  );

  app.get('/accedi/spid/saml', hide, async (request, reply) => {
    const query = request.query as { idp?: string; next?: string; livello?: string };
    const level = Number(query.livello ?? 2);
    const started =
      typeof query.idp === 'string'
        ? await beginSamlLogin(deps, query.idp, safeNext(query.next), level === 1 || level === 3 ? level : 2)
        : undefined;
    if (!started) return reply.callNotFound();
    reply.setCookie(PENDING_COOKIE, started.cookie, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      maxAge: 600,
    });
    return reply.redirect(started.redirect, 303);
  });

  // The identity provider posts the response from its own site: no CSRF token can be there, and the
  // Lax cookie is not sent. The answer is bound to the browser on the next step, a top-level GET.
  app.post(
    '/accedi/saml/acs',
    { config: { csrf: false }, schema: { hide: true } },
    async (request, reply) => {
      const body = (request.body ?? {}) as { SAMLResponse?: unknown };
      const result = await consumeSamlResponse(deps, body.SAMLResponse);
      if (result.kind === 'answered') return reply.redirect('/accedi/saml/fine', 303);
      request.log.warn({ reason: result.error }, 'SAML response refused');
      return failurePage(request, reply, result.reason, result.next, result.anomaly);
    },
  );

  app.get('/accedi/saml/fine', hide, async (request, reply) => {
    const result = await finishSamlLogin(
      deps,
      request.cookies[PENDING_COOKIE],
      request.headers['user-agent'],
    );
    reply.clearCookie(PENDING_COOKIE, { path: COOKIE_PATH });
    if (result.kind === 'failed') return failurePage(request, reply, 'expired', '/', null);
    await setSessionCookie(request, reply, deps, result.session);
    if (result.lang !== request.lang) setLangCookie(reply, result.lang, deps.secureCookies);
    return reply.redirect(result.next, 303);
  });

  // Single logout at the identity provider is not offered: leaving ends the session here (/esci).
  app.get('/accedi/saml/slo', hide, (_request, reply) => reply.redirect('/esci', 303));

  function failurePage(
    request: FastifyRequest,
    reply: Parameters<typeof send>[0],
    reason: 'expired' | 'denied' | 'invalid',
    next: string,
    anomaly: number | null,
  ) {
    const { t } = request;
    const message =
      reason === 'denied' && anomaly && ANOMALIES.has(anomaly)
        ? t(`signin.spid.anomaly.${anomaly}` as MessageKey)
        : t(`signin.failed.${reason}`);
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('signin.failed')}>
        <div class="alert alert-danger" role="alert" data-outcome={reason} data-anomaly={anomaly ?? ''}>
          {message}
        </div>
        <a class="btn btn-primary" href={`/accedi?next=${encodeURIComponent(next)}`}>
          {t('signin.retry')}
        </a>
      </Page>,
      reason === 'denied' ? 401 : 400,
    );
  }
}

/**
 * The "Entra con SPID" button: a disclosure listing the identity providers (SAML, and the OpenID
 * Connect providers when configured), as AgID's access button does.
 */
export function SpidButton({
  t,
  sp,
  query,
  oidc,
}: {
  t: Translate;
  sp: SpidServiceProvider | undefined;
  /** `next=…` (encoded), and `&livello=…` when the service asks for a level. */
  query: string;
  oidc: boolean;
}) {
  return (
    <details class="spid-button mb-3 me-2">
      <summary class="btn btn-primary" data-provider="spid">
        <span class="spid-button-mark" aria-hidden="true">
          SPID
        </span>
        {t('signin.spid')}
      </summary>
      <ul class="spid-idp-list list-unstyled" aria-label={t('signin.spid.providers')}>
        {sp?.idps.map((idp) => (
          <li>
            <a
              href={`/accedi/spid/saml?idp=${encodeURIComponent(idp.entityId)}&${query}`}
              data-idp={idp.entityId}
            >
              {idp.name}
            </a>
          </li>
        ))}
        {oidc && (
          <li>
            <a href={`/accedi/spid?${query}`} data-idp="oidc">
              {t('signin.spid.oidc')}
            </a>
          </li>
        )}
        <li class="spid-idp-help">
          <a href="https://www.spid.gov.it/cos-e-spid/come-attivare-spid/">{t('signin.spid.get')}</a>
        </li>
      </ul>
    </details>
  );
}
