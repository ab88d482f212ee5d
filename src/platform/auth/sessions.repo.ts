// Server-side sessions: the cookie carries a random token, the database only its SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Grant, Principal } from './policy.ts';

export const SESSION_COOKIE = 'cz_session';

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function createSession(
  db: Db,
  principal: Principal,
  ttlSeconds = 8 * 3600,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashToken(token),
      subject: principal.subject,
      display_name: principal.displayName,
      roles: JSON.stringify(principal.grants),
      expires_at: expiresAt,
    })
    .execute();
  return { token, expiresAt };
}

export async function findSession(db: Db, token: string): Promise<Principal | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db
    .selectFrom('sessions')
    .select(['subject', 'display_name', 'roles'])
    .where('id_hash', '=', hashToken(token))
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row) return null;
  return { subject: row.subject, displayName: row.display_name, grants: row.roles as Grant[] };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', hashToken(token)).execute();
}
