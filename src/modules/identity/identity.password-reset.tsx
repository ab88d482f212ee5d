// Staff password reset pages: "Password dimenticata?" (the e-mail address; one neutral answer for
// every address) and the new-password form the e-mailed link opens. CSRF on both forms.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CsrfField, ErrorSummary, Field } from '../../platform/layout/forms.tsx';
import { isMailAddress } from '../../platform/mail/mail.ts';
import { CodeField, Page, send } from './identity.layout.tsx';
import { isLinkToken, type MailingDeps } from './identity.mails.ts';
import * as reset from './password-reset.service.ts';

const FORGOT = '/accedi/operatori/password-dimenticata';
const NEW_PASSWORD = '/accedi/operatori/nuova-password';

export function passwordResetPages(app: FastifyInstance, deps: MailingDeps) {
  const hide = { schema: { hide: true } };

  const forgotPage = (request: FastifyRequest, reply: FastifyReply, email: string, error?: string) => {
    const { t } = request;
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('reset.title')}>
        <p>{t('reset.lead')}</p>
        <ErrorSummary title={t('admin.errors')} errors={error ? [{ field: 'email', message: error }] : []} />
        <form method="post" action={FORGOT} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <Field
            name="email"
            label={t('login.email')}
            type="email"
            value={email}
            autocomplete="username"
            error={error}
            maxLength={254}
          />
          <button class="btn btn-primary mt-4" type="submit">
            {t('reset.submit')}
          </button>
        </form>
      </Page>,
      error ? 400 : 200,
    );
  };

  app.get(FORGOT, hide, (request, reply) => forgotPage(request, reply, ''));

  app.post(FORGOT, hide, async (request, reply) => {
    const { t } = request;
    const email = String((request.body as Record<string, unknown> | undefined)?.email ?? '')
      .trim()
      .slice(0, 254);
    if (!isMailAddress(email)) return forgotPage(request, reply, email, t('validation.email'));
    await reset.requestPasswordReset(deps, email);
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('reset.title')}>
        <p data-reset="requested">{t('reset.sent')}</p>
        <a href="/accedi/operatori">{t('login.title')}</a>
      </Page>,
    );
  });

  const tokenOf = (request: FastifyRequest) => {
    const token = (request.body as { t?: unknown } | undefined)?.t ?? (request.query as { t?: unknown }).t;
    return isLinkToken(token) ? token : null;
  };

  const invalidPage = (request: FastifyRequest, reply: FastifyReply) =>
    send(
      reply,
      <Page ctx={request.pageContext()} title={request.t('reset.new.title')}>
        <p data-reset="invalid">{request.t('reset.invalid')}</p>
        <a class="btn btn-primary" href={FORGOT}>
          {request.t('reset.again')}
        </a>
      </Page>,
      400,
    );

  const newPasswordPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: { password?: string; code?: string } = {},
  ) => {
    const { t } = request;
    const token = tokenOf(request);
    const found = token && (await reset.resetAccount(deps, token));
    if (!token || !found) return invalidPage(request, reply);
    const summary = (['password', 'code'] as const)
      .filter((field) => errors[field])
      .map((field) => ({ field, message: errors[field]! }));
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('reset.new.title')}>
        <p>{t('reset.new.lead', { email: found.account.email })}</p>
        <ErrorSummary title={t('admin.errors')} errors={summary} />
        <form method="post" action={NEW_PASSWORD} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <input type="hidden" name="t" value={token} />
          <input type="hidden" name="username" value={found.account.email} autocomplete="username" />
          <Field
            name="password"
            label={t('invite.password')}
            type="password"
            autocomplete="new-password"
            error={errors.password}
          />
          {found.needsCode && <CodeField label={t('reset.new.code')} error={errors.code} />}
          <button class="btn btn-primary mt-4" type="submit">
            {t('reset.new.submit')}
          </button>
        </form>
      </Page>,
      summary.length > 0 ? 400 : 200,
    );
  };

  app.get(NEW_PASSWORD, hide, (request, reply) => newPasswordPage(request, reply));

  app.post(NEW_PASSWORD, hide, async (request, reply) => {
    const { t } = request;
    const token = tokenOf(request);
    if (!token) return invalidPage(request, reply);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const outcome = await reset.resetPassword(
      deps,
      token,
      String(body.password ?? '').slice(0, 1000),
      String(body.code ?? '').trim(),
    );
    switch (outcome.kind) {
      case 'invalid':
        return invalidPage(request, reply);
      case 'weak-password':
        return newPasswordPage(request, reply, { password: t('invite.weak') });
      case 'wrong-code':
        return newPasswordPage(request, reply, { code: t('login.code.invalid') });
      case 'done':
        return send(
          reply,
          <Page ctx={request.pageContext()} title={t('reset.new.title')}>
            <p data-reset="done">{t('reset.done')}</p>
            <a class="btn btn-primary" href="/accedi/operatori">
              {t('login.submit')}
            </a>
          </Page>,
        );
    }
  });
}
