// Login with the ente's own identity provider: the ente admin's settings page
// (/{slug}/admin/accesso-operatori), and the operators' way in from /accedi/operatori (choose the ente,
// the hand-off to its provider, the return).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../platform/i18n/index.ts';
import { CsrfField, ErrorSummary, Field, PostButton, SelectField } from '../../platform/layout/forms.tsx';
import { displayName, type EnteDirectory, getEnte } from '../tenancy/index.ts';
import {
  beginEnterpriseLogin,
  completeEnterpriseLogin,
  type EnterpriseLoginDeps,
  enterpriseLoginEnti,
  enterpriseRedirectUri,
  idpSettings,
  removeIdp,
  saveIdp,
} from './enterprise-login.ts';
import { AdminFrame, type EnteWithSad, enteAdminScope, sendPage } from './identity.admin-frame.tsx';
import { Page, safeNext, send } from './identity.layout.tsx';
import { CHALLENGE_COOKIE } from './identity.pages.tsx';
import { setSessionCookie } from './session-cookie.ts';

const PENDING_COOKIE = 'cz_ente_oidc';
const METHODS = ['client_secret_basic', 'client_secret_post'] as const;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

type Form = { issuer: string; clientId: string; clientSecret: string; authMethod: string; domain: string };
type Errors = Partial<Record<keyof Form, MessageKey>>;

export function validateIdpForm(
  body: Record<string, unknown>,
  options: { allowHttp: boolean; hasSecret: boolean },
): { form: Form; errors: Errors } {
  const text = (name: keyof Form, max = 300) =>
    typeof body[name] === 'string' ? (body[name] as string).trim().slice(0, max) : '';
  const form: Form = {
    issuer: text('issuer'),
    clientId: text('clientId'),
    clientSecret: text('clientSecret', 1000),
    authMethod: text('authMethod'),
    domain: text('domain').toLowerCase(),
  };
  const errors: Errors = {};
  let url: URL | null = null;
  try {
    url = new URL(form.issuer);
  } catch {}
  const schemes = options.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!url || !schemes.includes(url.protocol) || url.search || url.hash) errors.issuer = 'validation.issuer';
  if (!form.clientId) errors.clientId = 'validation.required';
  if (!form.clientSecret && !options.hasSecret) errors.clientSecret = 'validation.required';
  if (!METHODS.some((m) => m === form.authMethod)) errors.authMethod = 'validation.required';
  if (form.domain && !DOMAIN.test(form.domain)) errors.domain = 'validation.domain';
  return { form, errors };
}

export function enterprisePages(
  app: FastifyInstance,
  deps: EnterpriseLoginDeps & { secureCookies: boolean; directory: EnteDirectory },
) {
  const hide = { schema: { hide: true } };
  const scope = enteAdminScope(deps.directory);

  // ---- the ente admin's settings ----

  const settingsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    found: EnteWithSad,
    form: Form | null,
    errors: Errors,
  ) => {
    const { t } = request;
    const saved = await idpSettings(deps, found.ente.id);
    const values: Form = form ?? {
      issuer: saved?.issuer ?? '',
      clientId: saved?.clientId ?? '',
      clientSecret: '',
      authMethod: saved?.clientAuthMethod ?? 'client_secret_basic',
      domain: saved?.allowedDomain ?? '',
    };
    const query = request.query as { salvato?: string; rimosso?: string };
    const notice =
      query.salvato === '1' ? 'enterprise.saved' : query.rimosso === '1' ? 'enterprise.removed' : null;
    const action = `/${found.ente.slug}/admin/accesso-operatori`;
    const csrf = reply.generateCsrf();
    const error = (name: keyof Form) => errors[name] && t(errors[name]!);
    return sendPage(
      reply,
      <AdminFrame ctx={request.pageContext()} brand={request.brand!} title={t('enterprise.title')}>
        <p>{t('enterprise.lead', { name: request.brand!.name })}</p>
        <p>{t('enterprise.mfa')}</p>
        {notice && !form && (
          <div class="alert alert-success" role="status">
            {t(notice)}
          </div>
        )}
        <p class="mb-1">{t('enterprise.redirect')}</p>
        <code data-redirect-uri>{enterpriseRedirectUri(deps.publicUrl)}</code>
        <ErrorSummary
          title={t('admin.errors')}
          errors={Object.keys(errors).map((field) => ({ field, message: error(field as keyof Form)! }))}
        />
        <form method="post" action={action} novalidate>
          <CsrfField token={csrf} />
          <Field
            name="issuer"
            label={t('enterprise.issuer')}
            type="url"
            value={values.issuer}
            error={error('issuer')}
          />
          <Field
            name="clientId"
            label={t('enterprise.clientId')}
            value={values.clientId}
            error={error('clientId')}
          />
          <Field
            name="clientSecret"
            label={t(saved ? 'enterprise.clientSecret.keep' : 'enterprise.clientSecret')}
            type="password"
            autocomplete="new-password"
            maxLength={1000}
            error={error('clientSecret')}
          />
          <SelectField
            name="authMethod"
            label={t('enterprise.authMethod')}
            options={METHODS.map((m) => ({ value: m, label: m }))}
            value={values.authMethod}
            error={error('authMethod')}
          />
          <Field name="domain" label={t('enterprise.domain')} value={values.domain} error={error('domain')} />
          <button class="btn btn-primary mt-4" type="submit">
            {t('admin.save')}
          </button>
        </form>
        {saved && (
          <PostButton
            action={`${action}/rimuovi`}
            csrf={csrf}
            label={t('enterprise.remove')}
            button="btn btn-outline-danger"
            form="mt-4"
          />
        )}
      </AdminFrame>,
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  };

  app.get('/:slug/admin/accesso-operatori', hide, async (request, reply) =>
    settingsPage(request, reply, await scope(request), null, {}),
  );

  app.post('/:slug/admin/accesso-operatori', hide, async (request, reply) => {
    const found = await scope(request);
    const { ente } = found;
    const hasSecret = (await idpSettings(deps, ente.id)) !== null;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { form, errors } = validateIdpForm(body, { allowHttp: deps.allowHttpIssuers, hasSecret });
    if (Object.keys(errors).length > 0) return settingsPage(request, reply, found, form, errors);
    await saveIdp(deps, { subject: request.principal!.subject, requestId: request.id }, ente.id, {
      issuer: form.issuer,
      clientId: form.clientId,
      clientSecret: form.clientSecret || null,
      clientAuthMethod: form.authMethod as (typeof METHODS)[number],
      allowedDomain: form.domain || null,
    });
    return reply.redirect(`/${ente.slug}/admin/accesso-operatori?salvato=1`, 303);
  });

  app.post('/:slug/admin/accesso-operatori/rimuovi', hide, async (request, reply) => {
    const { ente } = await scope(request);
    await removeIdp(deps, { subject: request.principal!.subject, requestId: request.id }, ente.id);
    return reply.redirect(`/${ente.slug}/admin/accesso-operatori?rimosso=1`, 303);
  });

  // ---- the operators' way in ----

  const nextOf = (request: FastifyRequest) => safeNext((request.query as { next?: string }).next);

  const choicePage = async (request: FastifyRequest, reply: FastifyReply, error?: MessageKey) => {
    const { t } = request;
    const next = nextOf(request);
    const enti = await Promise.all(
      (await enterpriseLoginEnti(deps)).map(async (id) => (await getEnte(deps.db, id)).ente),
    );
    const options = enti
      .map((e) => ({ value: e.slug, label: displayName(e) }))
      .sort((a, b) => a.label.localeCompare(b.label, 'it'));
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('enterprise.signin')}>
        {options.length === 0 ? (
          <p>{t('enterprise.choose.none')}</p>
        ) : (
          <>
            <p>{t('enterprise.choose.lead')}</p>
            <ErrorSummary
              title={t('admin.errors')}
              errors={error ? [{ field: 'ente', message: t(error) }] : []}
            />
            <form method="get" action="/accedi/operatori/ente/avvia" novalidate>
              <input type="hidden" name="next" value={next} />
              <SelectField name="ente" label={t('staff.ente')} options={options} error={error && t(error)} />
              <button class="btn btn-primary mt-4" type="submit">
                {t('enterprise.choose.submit')}
              </button>
            </form>
          </>
        )}
        <p class="mt-4">
          <a href={`/accedi/operatori?next=${encodeURIComponent(next)}`}>{t('enterprise.password')}</a>
        </p>
      </Page>,
      error ? 400 : 200,
    );
  };

  const refusalPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    message: MessageKey,
    status: number,
    next = nextOf(request),
  ) => {
    const { t } = request;
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('signin.failed')}>
        <p data-refusal>{t(message)}</p>
        <a class="btn btn-primary" href={`/accedi/operatori?next=${encodeURIComponent(next)}`}>
          {t('signin.retry')}
        </a>
      </Page>,
      status,
    );
  };

  app.get('/accedi/operatori/ente', hide, (request, reply) => choicePage(request, reply));

  app.get('/accedi/operatori/ente/avvia', hide, async (request, reply) => {
    const slug = String((request.query as { ente?: string }).ente ?? '');
    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await deps.directory.bySlug(slug) : null;
    const started = found ? await beginEnterpriseLogin(deps, found.ente.id, nextOf(request)) : null;
    if (!started) return choicePage(request, reply, 'validation.required');
    if (started === 'unavailable') {
      return refusalPage(request, reply, 'enterprise.unavailable', 502);
    }
    reply.setCookie(PENDING_COOKIE, started.cookie, {
      path: '/accedi/operatori/ente',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      maxAge: 600,
    });
    return reply.redirect(started.redirect, 303);
  });

  app.get('/accedi/operatori/ente/callback', hide, async (request, reply) => {
    const result = await completeEnterpriseLogin(
      deps,
      request.cookies[PENDING_COOKIE],
      new URL(request.url, deps.publicUrl),
      request.headers['user-agent'],
    );
    reply.clearCookie(PENDING_COOKIE, { path: '/accedi/operatori/ente' });
    const next = encodeURIComponent(result.next);
    switch (result.kind) {
      case 'signed-in':
        await setSessionCookie(request, reply, deps, result.session);
        return reply.redirect(result.next, 303);
      case 'totp':
        reply.setCookie(CHALLENGE_COOKIE, result.challenge, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.secureCookies,
          maxAge: 300,
        });
        return reply.redirect(`/accedi/operatori/codice?next=${next}`, 303);
      case 'refused': {
        const status = { expired: 400, invalid: 400, denied: 401 }[result.reason as string] ?? 403;
        return refusalPage(request, reply, `enterprise.refused.${result.reason}`, status, result.next);
      }
    }
  });
}
