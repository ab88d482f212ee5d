// Hands a new session to the browser. Logging in always rotates the session: the one the browser came
// with (if any) ends, so a session id planted before login is worth nothing after it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { endSession, hashToken, SESSION_COOKIE } from '../../platform/auth/sessions.repo.ts';
import type { Db } from '../../platform/db/database.ts';

export async function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { db: Db; secureCookies: boolean; timeouts: { absoluteSeconds: number } },
  token: string,
): Promise<void> {
  const previous = request.cookies[SESSION_COOKIE];
  if (previous && previous !== token) await endSession(deps.db, hashToken(previous));
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.secureCookies,
    maxAge: deps.timeouts.absoluteSeconds,
  });
}
