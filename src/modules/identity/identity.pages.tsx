// Staff login (password, then authenticator code), invitation (password, then authenticator setup),
// logout and the list of active sessions. Plain HTML forms with CSRF protection; no JavaScript needed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { listSessions, SESSION_COOKIE } from '../../platform/auth/sessions.repo.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { CsrfField, ErrorSummary, Field, PostButton } from '../../platform/layout/forms.tsx';
import { type CitizenLoginDeps, revokeProviderToken } from './citizen-login.ts';
import { totpUri } from './credentials.ts';
import { CodeField, Page, safeNext, send } from './identity.layout.tsx';
import * as identity from './identity.service.ts';
import { setSessionCookie } from './session-cookie.ts';

export const CHALLENGE_COOKIE = 'cz_challenge';

export function identityPages(app: FastifyInstance, deps: CitizenLoginDeps & { secureCookies: boolean }) {
  const hide = { schema: { hide: true } };
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies };
  const userAgent = (request: FastifyRequest) => request.headers['user-agent'];

  const signIn = async (request: FastifyRequest, reply: FastifyReply, session: string, next: string) => {
    reply.clearCookie(CHALLENGE_COOKIE, { path: '/' });
    await setSessionCookie(request, reply, deps, session);
    return reply.redirect(next, 303);
  };

  const loginPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    email: string,
    error?: string,
    status = 200,
  ) => {
    const { t } = request;
    const next = safeNext((request.query as { next?: string }).next);
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('login.title')}>
        <p>{t('login.lead')}</p>
        <ErrorSummary title={t('admin.errors')} errors={error ? [{ field: 'email', message: error }] : []} />
        <form method="post" action={`/accedi/operatori?next=${encodeURIComponent(next)}`}>
          <CsrfField token={reply.generateCsrf()} />
          <Field
            name="email"
            label={t('login.email')}
            type="email"
            value={email}
            autocomplete="username"
            required
          />
          <Field
            name="password"
            label={t('login.password')}
            type="password"
            autocomplete="current-password"
            required
          />
          <button class="btn btn-primary mt-4" type="submit">
            {t('login.submit')}
          </button>
        </form>
        <p class="mt-4">
          <a href="/accedi/operatori/password-dimenticata">{t('login.forgot')}</a>
        </p>
        <p class="mt-4">
          <a href={`/accedi/operatori/ente?next=${encodeURIComponent(next)}`}>{t('enterprise.signin')}</a>
        </p>
      </Page>,
      status,
    );
  };

  const codePage = (request: FastifyRequest, reply: FastifyReply, error?: string, status = 200) => {
    const { t } = request;
    const next = safeNext((request.query as { next?: string }).next);
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('login.code.title')}>
        <p>{t('login.code.lead')}</p>
        <ErrorSummary title={t('admin.errors')} errors={error ? [{ field: 'code', message: error }] : []} />
        <form method="post" action={`/accedi/operatori/codice?next=${encodeURIComponent(next)}`} novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <CodeField label={t('login.code')} error={error} />
          <button class="btn btn-primary mt-4" type="submit">
            {t('login.submit')}
          </button>
        </form>
      </Page>,
      status,
    );
  };

  const lockedMessage = (request: FastifyRequest, seconds: number) =>
    request.t('login.locked', { minutes: Math.max(1, Math.ceil(seconds / 60)) });

  app.get('/accedi/operatori', hide, (request, reply) => loginPage(request, reply, ''));

  app.post('/accedi/operatori', hide, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const email = String(body.email ?? '').slice(0, 254);
    const next = safeNext((request.query as { next?: string }).next);
    const outcome = await identity.passwordLogin(
      deps,
      email,
      String(body.password ?? '').slice(0, 1000),
      userAgent(request),
    );
    switch (outcome.kind) {
      case 'invalid':
        return loginPage(request, reply, email, request.t('login.invalid'), 401);
      case 'locked':
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        return loginPage(request, reply, email, lockedMessage(request, outcome.retryAfterSeconds), 429);
      case 'signed-in':
        return signIn(request, reply, outcome.session, next);
      case 'totp':
        reply.setCookie(CHALLENGE_COOKIE, outcome.challenge, { ...cookieOptions, maxAge: 300 });
        return reply.redirect(`/accedi/operatori/codice?next=${encodeURIComponent(next)}`, 303);
    }
  });

  app.get('/accedi/operatori/codice', hide, (request, reply) => codePage(request, reply));

  app.post('/accedi/operatori/codice', hide, async (request, reply) => {
    const challenge = request.cookies[CHALLENGE_COOKIE];
    const code = String((request.body as Record<string, unknown> | undefined)?.code ?? '').trim();
    const next = safeNext((request.query as { next?: string }).next);
    if (!challenge) return loginPage(request, reply, '', request.t('login.expired'), 400);
    const outcome = await identity
      .totpLogin(deps, challenge, code, userAgent(request))
      .catch((error: Error) => {
        if ((error as { code?: string }).code === 'CHALLENGE_INVALID') return null;
        throw error;
      });
    if (!outcome) return loginPage(request, reply, '', request.t('login.expired'), 400);
    if (outcome.kind === 'invalid') return codePage(request, reply, request.t('login.code.invalid'), 401);
    if (outcome.kind === 'locked') {
      reply.header('retry-after', String(outcome.retryAfterSeconds));
      return loginPage(request, reply, '', lockedMessage(request, outcome.retryAfterSeconds), 429);
    }
    return signIn(request, reply, outcome.session, next);
  });

  // ---- invitation: password, then authenticator setup ----

  const invitationToken = (request: FastifyRequest) => {
    const query = request.query as { t?: string };
    const body = request.body as { t?: string } | undefined;
    const token = body?.t ?? query.t;
    return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : null;
  };

  const invitationPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    error?: string,
    status = 200,
  ) => {
    const { t } = request;
    const token = invitationToken(request);
    const account = token && (await identity.invitationAccount(deps, token));
    if (!token || !account) {
      return send(
        reply,
        <Page ctx={request.pageContext()} title={t('invite.title')}>
          <p>{t('invite.invalid')}</p>
        </Page>,
        400,
      );
    }
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('invite.title')}>
        <p>{t('invite.lead', { email: account.email })}</p>
        <ErrorSummary
          title={t('admin.errors')}
          errors={error ? [{ field: 'password', message: error }] : []}
        />
        <form method="post" action="/accedi/invito" novalidate>
          <CsrfField token={reply.generateCsrf()} />
          <input type="hidden" name="t" value={token} />
          <input type="hidden" name="username" value={account.email} autocomplete="username" />
          <Field
            name="password"
            label={t('invite.password')}
            type="password"
            autocomplete="new-password"
            error={error}
          />
          <button class="btn btn-primary mt-4" type="submit">
            {t('invite.submit')}
          </button>
        </form>
      </Page>,
      status,
    );
  };

  const totpSetupPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    setup: { token: string; secret: string; label: string; mayPostpone: boolean },
    error?: string,
  ) => {
    const { t } = request;
    const qr = await QRCode.toDataURL(totpUri(setup.secret, setup.label), { margin: 1, width: 220 });
    const csrf = reply.generateCsrf();
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('totp.title')}>
        <p>{t('totp.lead')}</p>
        <img src={qr} alt={t('totp.qr')} width="220" height="220" />
        <p class="mt-3">
          {t('totp.manual')} <code>{setup.secret}</code>
        </p>
        <ErrorSummary title={t('admin.errors')} errors={error ? [{ field: 'code', message: error }] : []} />
        <form method="post" action="/accedi/invito/codice" novalidate>
          <CsrfField token={csrf} />
          <input type="hidden" name="t" value={setup.token} />
          <CodeField label={t('login.code')} error={error} />
          <button class="btn btn-primary mt-4" type="submit">
            {t('totp.submit')}
          </button>
        </form>
        {setup.mayPostpone && (
          <PostButton
            action="/accedi/invito/dopo"
            csrf={csrf}
            label={t('totp.later')}
            button="btn btn-outline-primary"
            form="mt-3"
            hidden={{ t: setup.token }}
          />
        )}
      </Page>,
      error ? 400 : 200,
    );
  };

  app.get('/accedi/invito', hide, (request, reply) => invitationPage(request, reply));

  app.post('/accedi/invito', hide, async (request, reply) => {
    const token = invitationToken(request);
    const password = String((request.body as Record<string, unknown>).password ?? '').slice(0, 1000);
    if (!token) return invitationPage(request, reply);
    try {
      const { userId, totpSecret, label } = await identity.acceptInvitation(deps, token, password);
      const mayPostpone = await identity.mayPostponeTotp(deps, userId);
      return totpSetupPage(request, reply, { token, secret: totpSecret, label, mayPostpone });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'PASSWORD_WEAK') return invitationPage(request, reply, request.t('invite.weak'), 400);
      if (code === 'INVITATION_INVALID') return invitationPage(request, reply);
      throw error;
    }
  });

  app.post('/accedi/invito/codice', hide, async (request, reply) => {
    const token = invitationToken(request);
    const code = String((request.body as Record<string, unknown>).code ?? '').trim();
    if (!token) return invitationPage(request, reply);
    const done = await identity.confirmTotpSetup(deps, token, code, userAgent(request)).catch(() => null);
    if (!done) return invitationPage(request, reply);
    if (done === 'wrong-code') {
      // Show the same secret again: it is still the one waiting for confirmation.
      const setup = await identity.pendingTotpSetup(deps, token);
      if (!setup) return invitationPage(request, reply);
      return totpSetupPage(request, reply, { token, ...setup }, request.t('login.code.invalid'));
    }
    return signIn(request, reply, done.session, landingFor(done.principal));
  });

  app.post('/accedi/invito/dopo', hide, async (request, reply) => {
    const token = invitationToken(request);
    if (!token) return invitationPage(request, reply);
    const done = await identity.postponeTotpSetup(deps, token, userAgent(request)).catch(() => null);
    if (!done) return invitationPage(request, reply);
    return signIn(request, reply, done.session, landingFor(done.principal));
  });

  // ---- logout and sessions ----

  app.get('/esci', hide, (request, reply) => {
    const { t } = request;
    if (!request.principal)
      return send(
        reply,
        <Page ctx={request.pageContext()} title={t('logout.title')}>
          <p>{t('logout.done')}</p>
        </Page>,
      );
    const csrf = reply.generateCsrf();
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('logout.title')}>
        <p>{t('logout.lead')}</p>
        <PostButton
          action="/esci"
          csrf={csrf}
          label={t('logout.here')}
          button="btn btn-primary"
          form="d-inline me-2"
        />
        <PostButton
          action="/esci?ovunque=1"
          csrf={csrf}
          label={t('logout.everywhere')}
          button="btn btn-outline-primary"
          form="d-inline"
        />
      </Page>,
    );
  });

  app.post('/esci', hide, async (request, reply) => {
    if (request.principal) {
      const everywhere = (request.query as { ovunque?: string }).ovunque === '1';
      // Citizens: the provider's token is revoked first (SPID: this also ends the provider's session).
      if (request.principal.sessionId) await revokeProviderToken(deps, request.principal.sessionId);
      await identity.logout(deps, request.principal, everywhere, () => deps.enteForPath('/'));
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/esci', 303);
  });

  app.get('/sessioni', hide, async (request, reply) => {
    const { t } = request;
    const principal = request.principal;
    if (!principal?.userId) throw PlatformErrors.unauthenticated();
    const sessions = await listSessions(deps.db, principal.userId);
    const when = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 16);
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('sessions.title')}>
        <p>{t('sessions.lead')}</p>
        <table class="table">
          <caption class="visually-hidden">{t('sessions.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sessions.device')}</th>
              <th scope="col">{t('sessions.method')}</th>
              <th scope="col">{t('sessions.started')}</th>
              <th scope="col">{t('sessions.lastSeen')}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr data-session={s.id === principal.sessionId ? 'current' : 'other'}>
                <td>
                  {s.userAgent ?? '–'}
                  {s.id === principal.sessionId && <strong> ({t('sessions.current')})</strong>}
                </td>
                <td>{s.method ?? '–'}</td>
                <td>{when(s.createdAt)} UTC</td>
                <td>{when(s.lastSeenAt)} UTC</td>
              </tr>
            ))}
          </tbody>
        </table>
        <PostButton
          action="/sessioni/altre"
          csrf={reply.generateCsrf()}
          label={t('sessions.endOthers')}
          button="btn btn-outline-primary"
        />
        {principal.grants.some((g) => g.role === 'citizen') && (
          <p class="mt-4">
            <a href="/profilo">{t('profile.title')}</a>
          </p>
        )}
      </Page>,
    );
  });

  app.post('/sessioni/altre', hide, async (request, reply) => {
    if (!request.principal?.userId) throw PlatformErrors.unauthenticated();
    await identity.logoutOthers(deps, request.principal);
    return reply.redirect('/sessioni', 303);
  });
}

/** Where a newly activated account starts: its console or the admin page of its ente. */
function landingFor(principal: { grants: { role: string }[] }): string {
  return principal.grants.some((g) => g.role === 'sad_admin') ? '/sad' : '/sessioni';
}
