// Citizens' login pages: the choice of SPID or CIE, the hand-off to the provider and the return.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { setLangCookie } from '../../platform/http/request-context.ts';
import { beginCitizenLogin, type CitizenLoginDeps, completeCitizenLogin } from './citizen-login.ts';
import { Page, safeNext, send } from './identity.layout.tsx';
import { SpidButton } from './identity.saml.tsx';
import type { SpidServiceProvider } from './saml/service-provider.ts';
import { setSessionCookie } from './session-cookie.ts';

const PENDING_COOKIE = 'cz_oidc';

export function citizenLoginPages(
  app: FastifyInstance,
  deps: CitizenLoginDeps & {
    publicUrl: string;
    secureCookies: boolean;
    entityConfiguration: () => Promise<string>;
    /** SPID over SAML, when identity providers are configured. */
    sp?: SpidServiceProvider;
  },
) {
  const hide = { schema: { hide: true } };

  // OpenID Federation: the RP's entity configuration, self-signed with its federation key.
  app.get('/oidc/rp/.well-known/openid-federation', hide, async (_request, reply) =>
    reply
      .type('application/entity-statement+jwt')
      .header('cache-control', 'public, max-age=3600')
      .send(await deps.entityConfiguration()),
  );
  const nextOf = (request: FastifyRequest) => safeNext((request.query as { next?: string }).next);

  app.get('/accedi', hide, (request, reply) => {
    const { t } = request;
    const next = encodeURIComponent(nextOf(request));
    // The level of assurance a service asks for (SpidL1–3, default 2) goes on to the chosen provider.
    const livello = (request.query as { livello?: string }).livello;
    const query = `next=${next}${livello && /^[123]$/.test(livello) ? `&livello=${livello}` : ''}`;
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('signin.title')}>
        <p>{t('signin.lead')}</p>
        <div class="d-flex flex-wrap align-items-start">
          {(deps.sp?.idps.length || deps.rp.provider('spid')) && (
            <SpidButton t={t} sp={deps.sp} query={query} oidc={!!deps.rp.provider('spid')} />
          )}
          {deps.rp.provider('cie') && (
            <a class="btn btn-primary mb-3 cie-button" href={`/accedi/cie?${query}`} data-provider="cie">
              <span class="spid-button-mark" aria-hidden="true">
                CIE
              </span>
              {t('signin.cie')}
            </a>
          )}
        </div>
        <p>
          <a href={`/accedi/operatori?next=${next}`}>{t('signin.staff')}</a>
        </p>
      </Page>,
    );
  });

  app.get('/accedi/:provider', hide, async (request, reply) => {
    const provider = (request.params as { provider: string }).provider;
    if ((provider !== 'spid' && provider !== 'cie') || !deps.rp.provider(provider))
      return reply.callNotFound();
    const level = Number((request.query as { livello?: string }).livello ?? 2);
    const { redirect, cookie } = await beginCitizenLogin(
      deps,
      provider,
      nextOf(request),
      [1, 2, 3].includes(level) ? level : 2,
    );
    reply.setCookie(PENDING_COOKIE, cookie, {
      path: '/accedi/oidc',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      maxAge: 600,
    });
    return reply.redirect(redirect, 303);
  });

  app.get('/accedi/oidc/callback', hide, async (request, reply) => {
    const result = await completeCitizenLogin(
      deps,
      request.cookies[PENDING_COOKIE],
      new URL(request.url, deps.publicUrl),
      request.headers['user-agent'],
    );
    reply.clearCookie(PENDING_COOKIE, { path: '/accedi/oidc' });
    if (result.kind === 'signed-in') {
      await setSessionCookie(request, reply, deps, result.session);
      // The language the citizen chose on the profile follows them to a new device.
      if (result.lang !== request.lang) setLangCookie(reply, result.lang, deps.secureCookies);
      return reply.redirect(result.next, 303);
    }
    const { t } = request;
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('signin.failed')}>
        <p>{t(`signin.failed.${result.reason}`)}</p>
        <a class="btn btn-primary" href={`/accedi?next=${encodeURIComponent(result.next)}`}>
          {t('signin.retry')}
        </a>
      </Page>,
      result.reason === 'denied' ? 401 : 400,
    );
  });
}
