// Server-side sessions: the cookie carries a random token, the database only its SHA-256. A session
// ends at its absolute expiry, or earlier when unused for longer than the idle timeout.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Grant, Principal } from './policy.ts';

export const SESSION_COOKIE = 'cz_session';

export interface SessionTimeouts {
  idleSeconds: number;
  absoluteSeconds: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { idleSeconds: 30 * 60, absoluteSeconds: 8 * 3600 };

/** last_seen_at is written at most this often, so an ordinary request does not write. */
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
export const newToken = () => randomBytes(32).toString('base64url');

export interface NewSession {
  principal: Principal;
  userId?: string;
  /** How the user authenticated: 'password+totp', 'spid-oidc', … */
  method?: string;
  userAgent?: string;
}

export async function createSession(
  db: Db,
  session: NewSession,
  timeouts: SessionTimeouts = DEFAULT_TIMEOUTS,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + timeouts.absoluteSeconds * 1000);
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashToken(token),
      subject: session.principal.subject,
      display_name: session.principal.displayName,
      roles: JSON.stringify(session.principal.grants),
      expires_at: expiresAt,
      user_id: session.userId ?? null,
      method: session.method ?? null,
      user_agent: session.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, expiresAt };
}

export async function findSession(
  db: Db,
  token: string,
  timeouts: SessionTimeouts = DEFAULT_TIMEOUTS,
): Promise<Principal | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const idHash = hashToken(token);
  const row = await db
    .selectFrom('sessions')
    .select(['subject', 'display_name', 'roles', 'last_seen_at', 'user_id'])
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', new Date())
    .where('last_seen_at', '>', new Date(Date.now() - timeouts.idleSeconds * 1000))
    .executeTakeFirst();
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date() })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return {
    sessionId: idHash,
    subject: row.subject,
    displayName: row.display_name,
    grants: row.roles as Grant[],
    ...(row.user_id ? { userId: row.user_id } : {}),
  };
}

/** Ends one session, named by its stored id (the hash of its token). */
export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sessionId).execute();
}

export interface SessionInfo {
  id: string;
  method: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

/** The user's live sessions, newest first; `id` is the stored hash, never the cookie token. */
export async function listSessions(db: Db, userId: string): Promise<SessionInfo[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id_hash', 'method', 'user_agent', 'created_at', 'last_seen_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', new Date())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id_hash,
    method: r.method,
    userAgent: r.user_agent,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
  }));
}

/** Ends every session of the user, or every one but `keepId`; returns how many ended. */
export async function endUserSessions(db: Db, userId: string, keepId?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepId) query = query.where('id_hash', '<>', keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Applies changed grants to the user's live sessions at once (a revoked role stops working now). */
export async function updateSessionGrants(db: Db, userId: string, grants: Grant[]): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ roles: JSON.stringify(grants) })
    .where('user_id', '=', userId)
    .execute();
}

/** Removes expired sessions (run by a periodic job). */
export async function purgeExpiredSessions(db: Db): Promise<number> {
  const result = await sql`delete from sessions where expires_at <= now()`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** The identity provider's token kept with a session (sealed by the caller), to revoke it at logout. */
export async function setProviderToken(db: Db, token: string, sealed: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ provider_token: sealed })
    .where('id_hash', '=', hashToken(token))
    .execute();
}

export async function providerTokenOf(db: Db, sessionId: string): Promise<string | null> {
  const row = await db
    .selectFrom('sessions')
    .select('provider_token')
    .where('id_hash', '=', sessionId)
    .executeTakeFirst();
  return row?.provider_token ?? null;
}
