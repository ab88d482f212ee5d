// SQL of the self-service account pages: a citizen's profile and contacts, and the bookkeeping of the
// one-time links they e-mail (how many were asked for lately, wrong codes entered with one).
import { sql } from 'kysely';
import { hashToken } from '../../platform/auth/sessions.repo.ts';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type { Lang } from '../../platform/i18n/index.ts';
import type { IdentityTables, TokenPurpose } from './identity.schema.ts';

const q = (db: AnyDb) => (db as Db).withTables<IdentityTables>();

export interface Profile {
  userId: string;
  kind: 'citizen' | 'staff';
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  fiscalNumber: string | null;
  email: string | null;
  emailVerified: boolean;
  phone: string | null;
  lang: Lang;
  ioConsent: boolean;
}

export async function findProfile(db: AnyDb, userId: string): Promise<Profile | undefined> {
  const row = await q(db)
    .selectFrom('users')
    .select([
      'id',
      'kind',
      'display_name',
      'given_name',
      'family_name',
      'fiscal_number',
      'email',
      'email_verified_at',
      'phone',
      'lang',
      'io_consent',
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
  return (
    row && {
      userId: row.id,
      kind: row.kind,
      displayName: row.display_name,
      givenName: row.given_name,
      familyName: row.family_name,
      fiscalNumber: row.fiscal_number,
      email: row.email,
      emailVerified: row.email_verified_at !== null,
      phone: row.phone,
      lang: row.lang,
      ioConsent: row.io_consent,
    }
  );
}

export async function updateContacts(
  db: AnyDb,
  userId: string,
  set: Partial<{
    email: string | null;
    email_verified_at: Date | null;
    phone: string | null;
    lang: Lang;
    io_consent: boolean;
  }>,
): Promise<void> {
  await q(db)
    .updateTable('users')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/** Marks the address verified, only if it is still the user's address. */
export async function markEmailVerified(db: AnyDb, userId: string, email: string): Promise<boolean> {
  const result = await q(db)
    .updateTable('users')
    .set({ email_verified_at: new Date(), updated_at: new Date() })
    .where('id', '=', userId)
    .where('email', '=', email)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** How many tokens of this purpose the user was issued in the last `seconds` (used or not). */
export async function countRecentTokens(
  db: AnyDb,
  userId: string,
  purpose: TokenPurpose,
  seconds: number,
): Promise<number> {
  const row = await q(db)
    .selectFrom('auth_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_at', '>', new Date(Date.now() - seconds * 1000))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Counts a wrong answer given with a live token; at the `max`-th the token is used up. */
export async function recordTokenFailure(
  db: AnyDb,
  token: string,
  purpose: TokenPurpose,
  max: number,
): Promise<void> {
  const failures = sql<number>`coalesce((data->>'failures')::int, 0) + 1`;
  await q(db)
    .updateTable('auth_tokens')
    .set({
      data: sql`jsonb_set(data, '{failures}', to_jsonb(${failures}))`,
      used_at: sql`case when ${failures} >= ${max} then now() else used_at end`,
    })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}
