// The citizen's profile page (/profilo) in the personal area, and the e-mail verification link. Plain
// HTML forms with CSRF protection; errors next to each field; the input is kept on error.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../platform/i18n/index.ts';
import { CsrfField, ErrorSummary, Field, PostButton } from '../../platform/layout/forms.tsx';
import { Page, safeNext, send } from './identity.layout.tsx';
import { isLinkToken, type MailingDeps } from './identity.mails.ts';
import * as profiles from './profile.service.ts';

type Form = profiles.ContactsForm;

export function profilePages(
  app: FastifyInstance,
  deps: MailingDeps & { enteForPath: (path: string) => Promise<string> },
) {
  const hide = { schema: { hide: true } };
  const nextOf = (request: FastifyRequest) => safeNext((request.query as { next?: string }).next);
  /** An address of these pages, keeping where the citizen came from. */
  const urlOf = (path: string, next: string, params: Record<string, string> = {}) => {
    const query = new URLSearchParams({ ...(next !== '/' ? { next } : {}), ...params }).toString();
    return query ? `${path}?${query}` : path;
  };

  const profilePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    profile: profiles.Profile,
    form: Form,
    errors: profiles.ContactErrors = {},
  ) => {
    const { t } = request;
    const next = nextOf(request);
    const query = request.query as { esito?: string; verifica?: string };
    const csrf = reply.generateCsrf();
    const invalid = (Object.keys(errors) as (keyof profiles.ContactErrors)[]).map((field) => ({
      field,
      message: t(errors[field]!),
    }));
    const notices: string[] = [];
    if (query.esito === 'salvato') notices.push(t('profile.saved'));
    if (query.verifica === 'inviata' && profile.email)
      notices.push(t('profile.email.sent', { email: profile.email }));
    const error = (field: keyof profiles.ContactErrors) => errors[field] && t(errors[field] as MessageKey);
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('profile.title')}>
        <p>{t('profile.lead')}</p>
        <ErrorSummary title={t('admin.errors')} errors={invalid} />
        {notices.length > 0 && (
          <div class="alert alert-success" role="status">
            {notices.map((notice) => (
              <p class="mb-0">{notice}</p>
            ))}
          </div>
        )}
        {query.verifica === 'limite' && (
          <div class="alert alert-warning" role="status">
            {t('profile.email.throttled')}
          </div>
        )}
        <h2 class="h4 mt-4">{t('profile.identity')}</h2>
        <dl class="row" data-profile="identity">
          <dt class="col-sm-4">{t('profile.givenName')}</dt>
          <dd class="col-sm-8">{profile.givenName ?? profile.displayName}</dd>
          <dt class="col-sm-4">{t('profile.familyName')}</dt>
          <dd class="col-sm-8">{profile.familyName ?? '–'}</dd>
          <dt class="col-sm-4">{t('profile.fiscalNumber')}</dt>
          <dd class="col-sm-8">{profile.fiscalNumber ?? '–'}</dd>
        </dl>
        <p class="small">{t('profile.identity.note')}</p>

        <h2 class="h4 mt-5">{t('profile.contacts')}</h2>
        {profile.email && (
          <div class="mb-4" data-email-status={profile.emailVerified ? 'verified' : 'unverified'}>
            <p class="mb-2">
              <strong>{profile.email}</strong> –{' '}
              {t(profile.emailVerified ? 'profile.email.verified' : 'profile.email.unverified')}
            </p>
            {!profile.emailVerified && (
              <PostButton
                action={urlOf('/profilo/verifica-email/invia', next)}
                csrf={csrf}
                label={t('profile.email.resend')}
                button="btn btn-outline-primary btn-sm"
              />
            )}
          </div>
        )}
        <form method="post" action={urlOf('/profilo', next)} novalidate>
          <CsrfField token={csrf} />
          <Field
            name="email"
            label={t('profile.email')}
            type="email"
            value={form.email}
            error={error('email')}
            autocomplete="email"
            maxLength={254}
          />
          <Field
            name="phone"
            label={t('profile.phone')}
            type="tel"
            value={form.phone}
            error={error('phone')}
            autocomplete="tel"
            inputMode="tel"
            maxLength={30}
          />
          <div class="select-wrapper mt-4">
            <label for="lang">{t('profile.lang')}</label>
            <select
              id="lang"
              name="lang"
              aria-invalid={errors.lang ? 'true' : undefined}
              aria-describedby={errors.lang ? 'lang-error' : undefined}
            >
              <option value="it" lang="it" selected={form.lang === 'it'}>
                Italiano
              </option>
              <option value="en" lang="en" selected={form.lang === 'en'}>
                English
              </option>
            </select>
            {errors.lang && (
              <div class="invalid-feedback d-block" id="lang-error">
                {error('lang')}
              </div>
            )}
          </div>
          <div class="form-check mt-4">
            <input id="io" name="io" type="checkbox" value="1" checked={form.ioConsent} />
            <label for="io">{t('profile.ioConsent')}</label>
          </div>
          <button class="btn btn-primary mt-4" type="submit">
            {t('profile.save')}
          </button>
        </form>
        <p class="mt-5">
          <a href="/sessioni">{t('sessions.title')}</a>
          {next !== '/' && (
            <>
              {' · '}
              <a href={next}>{t('profile.back')}</a>
            </>
          )}
        </p>
      </Page>,
      invalid.length > 0 ? 400 : 200,
    );
  };

  const formOf = (profile: profiles.Profile): Form => ({
    email: profile.email ?? '',
    phone: profile.phone ?? '',
    lang: profile.lang,
    ioConsent: profile.ioConsent,
  });

  app.get('/profilo', hide, async (request, reply) => {
    const profile = await profiles.profileOf(deps, request.principal?.userId);
    return profilePage(request, reply, profile, formOf(profile));
  });

  app.post('/profilo', hide, async (request, reply) => {
    const profile = await profiles.profileOf(deps, request.principal?.userId);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (name: string, max: number) => String(body[name] ?? '').slice(0, max);
    const form: Form = {
      email: text('email', 254),
      phone: text('phone', 30),
      lang: text('lang', 2),
      ioConsent: body.io === '1',
    };
    const checked = profiles.checkContacts(form);
    if ('errors' in checked) return profilePage(request, reply, profile, form, checked.errors);
    const next = nextOf(request);
    const enteId = await deps.enteForPath(next);
    const { verification } = await profiles.updateContacts(deps, profile, checked.contacts, enteId);
    // The language chosen becomes the page's (the lang parameter also sets its cookie).
    const params: Record<string, string> = { esito: 'salvato', lang: checked.contacts.lang };
    if (verification) params.verifica = verification === 'sent' ? 'inviata' : 'limite';
    return reply.redirect(urlOf('/profilo', next, params), 303);
  });

  app.post('/profilo/verifica-email/invia', hide, async (request, reply) => {
    const profile = await profiles.profileOf(deps, request.principal?.userId);
    const next = nextOf(request);
    const sent = await profiles.resendVerification(deps, profile, await deps.enteForPath(next));
    const params: Record<string, string> = sent ? { verifica: sent === 'sent' ? 'inviata' : 'limite' } : {};
    return reply.redirect(urlOf('/profilo', next, params), 303);
  });

  // The link in the e-mail: no login needed (it may be opened on another device); it works once.
  app.get('/profilo/verifica-email', hide, async (request, reply) => {
    const { t } = request;
    const token = (request.query as { t?: unknown }).t;
    const verified = isLinkToken(token) ? await profiles.verifyEmail(deps, token) : null;
    return send(
      reply,
      <Page ctx={request.pageContext()} title={t('verify.title')}>
        <p data-verification={verified ? 'done' : 'invalid'}>
          {verified ? t('verify.done', { email: verified.email }) : t('verify.invalid')}
        </p>
        <a class="btn btn-primary" href="/profilo">
          {t('verify.profile')}
        </a>
      </Page>,
      verified ? 200 : 400,
    );
  });
}
