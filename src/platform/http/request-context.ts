// Per-request context: request id, language (?lang= switch remembered in a cookie), the signed-in
// principal (server-side session), and the page context that layouts render with.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findSession, SESSION_COOKIE, type SessionTimeouts } from '../auth/sessions.repo.ts';
import type { Db } from '../db/database.ts';
import { isLang, type Lang, translator } from '../i18n/index.ts';
import type { PageContext } from '../layout/context.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const LANG_COOKIE = 'lang';

/** Remembers the page language in the browser (the ?lang= switch, or a user's saved preference). */
export function setLangCookie(reply: FastifyReply, lang: Lang, secure: boolean): void {
  reply.setCookie(LANG_COOKIE, lang, {
    path: '/',
    maxAge: 365 * 24 * 3600,
    sameSite: 'lax',
    httpOnly: true,
    secure,
  });
}

/** Keeps a caller's X-Request-Id when it is well-formed (so traces join up), else makes a new one. */
export function genRequestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function registerRequestContext(
  app: FastifyInstance,
  deps: { db: Db; demo: boolean; secureCookies: boolean; session: SessionTimeouts },
) {
  app.decorateRequest('lang', 'it');
  app.decorateRequest('t', translator('it'));
  app.decorateRequest('principal', null);
  app.decorateRequest('brand', null);
  app.decorateRequest('pageContext', function (this: FastifyRequest): PageContext {
    const user = this.principal && { name: this.principal.displayName ?? this.principal.subject };
    return { lang: this.lang, t: this.t, url: this.url, requestId: this.id, demo: deps.demo, user };
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const asked = (request.query as Record<string, unknown> | undefined)?.lang;
    let lang: Lang = 'it';
    if (isLang(asked)) {
      lang = asked;
      if (request.cookies[LANG_COOKIE] !== asked) setLangCookie(reply, asked, deps.secureCookies);
    } else if (isLang(request.cookies[LANG_COOKIE])) {
      lang = request.cookies[LANG_COOKIE] as Lang;
    }
    request.lang = lang;
    request.t = translator(lang);
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.principal = await findSession(deps.db, token, deps.session);
  });
}
