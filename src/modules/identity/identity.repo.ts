// All SQL of the identity area.
import type { Kysely } from 'kysely';
import type { Grant } from '../../platform/auth/policy.ts';
import { hashToken } from '../../platform/auth/sessions.repo.ts';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type { PlatformTables } from '../../platform/db/tables.ts';
import type { IdentityTables, StaffAccount, StaffRole, TokenPurpose } from './identity.schema.ts';

type Q = Kysely<PlatformTables & IdentityTables>;
const q = (db: AnyDb): Q => (db as Db).withTables<IdentityTables>();

export async function findStaffByEmail(db: AnyDb, email: string): Promise<StaffAccount | undefined> {
  return staffWhere(db, 'email', email);
}

export async function findStaffById(db: AnyDb, userId: string): Promise<StaffAccount | undefined> {
  return staffWhere(db, 'id', userId);
}

async function staffWhere(db: AnyDb, by: 'email' | 'id', value: string): Promise<StaffAccount | undefined> {
  let query = q(db)
    .selectFrom('staff_accounts')
    .innerJoin('users', 'users.id', 'staff_accounts.user_id')
    .select([
      'staff_accounts.user_id',
      'staff_accounts.home_ente_id',
      'staff_accounts.email',
      'users.display_name',
      'staff_accounts.password_hash',
      'staff_accounts.totp_secret',
      'staff_accounts.totp_confirmed_at',
      'staff_accounts.failed_logins',
      'staff_accounts.locked_until',
    ]);
  query =
    by === 'email'
      ? query.where((eb) => eb(eb.fn('lower', ['staff_accounts.email']), '=', value.toLowerCase()))
      : query.where('staff_accounts.user_id', '=', value);
  const row = await query.executeTakeFirst();
  return (
    row && {
      userId: row.user_id,
      homeEnteId: row.home_ente_id,
      email: row.email,
      displayName: row.display_name,
      passwordHash: row.password_hash,
      totpSecret: row.totp_secret,
      totpConfirmed: row.totp_confirmed_at !== null,
      failedLogins: row.failed_logins,
      lockedUntil: row.locked_until,
    }
  );
}

export async function insertStaff(
  db: AnyDb,
  staff: { email: string; displayName: string; homeEnteId: string },
): Promise<string> {
  const user = await q(db)
    .insertInto('users')
    .values({ kind: 'staff', display_name: staff.displayName, email: staff.email })
    .returning('id')
    .executeTakeFirstOrThrow();
  await q(db)
    .insertInto('staff_accounts')
    .values({ user_id: user.id, home_ente_id: staff.homeEnteId, email: staff.email })
    .execute();
  await q(db)
    .insertInto('user_identities')
    .values({ provider: 'local', subject: staff.email.toLowerCase(), user_id: user.id })
    .execute();
  return user.id;
}

export async function updateStaff(
  db: AnyDb,
  userId: string,
  set: Partial<{
    password_hash: string;
    totp_secret: string | null;
    totp_confirmed_at: Date | null;
    failed_logins: number;
    locked_until: Date | null;
  }>,
): Promise<void> {
  await q(db).updateTable('staff_accounts').set(set).where('user_id', '=', userId).execute();
}

export async function addGrant(
  db: AnyDb,
  grant: { enteId: string; userId: string; role: StaffRole; areas?: string[]; grantedBy: string },
): Promise<boolean> {
  const result = await q(db)
    .insertInto('staff_grants')
    .values({
      ente_id: grant.enteId,
      user_id: grant.userId,
      role: grant.role,
      areas: grant.areas ? JSON.stringify(grant.areas) : null,
      granted_by: grant.grantedBy,
    })
    .onConflict((oc) => oc.columns(['ente_id', 'user_id', 'role']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function grantsOf(db: AnyDb, userId: string): Promise<Grant[]> {
  const rows = await q(db)
    .selectFrom('staff_grants')
    .select(['ente_id', 'role', 'areas'])
    .where('user_id', '=', userId)
    .orderBy('ente_id')
    .execute();
  return rows.map((r) => ({ role: r.role, enteId: r.ente_id, ...(r.areas ? { areas: r.areas } : {}) }));
}

export async function touchIdentity(db: AnyDb, provider: string, subject: string): Promise<void> {
  await q(db)
    .updateTable('user_identities')
    .set({ last_login_at: new Date() })
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .execute();
}

export async function insertToken(
  db: AnyDb,
  token: {
    token: string;
    purpose: TokenPurpose;
    userId: string;
    ttlSeconds: number;
    data?: Record<string, unknown>;
  },
): Promise<void> {
  await q(db)
    .insertInto('auth_tokens')
    .values({
      token_hash: hashToken(token.token),
      purpose: token.purpose,
      user_id: token.userId,
      data: JSON.stringify(token.data ?? {}),
      expires_at: new Date(Date.now() + token.ttlSeconds * 1000),
    })
    .execute();
}

/** The live token's user and data, without using it up. */
export async function peekToken(
  db: AnyDb,
  token: string,
  purpose: TokenPurpose,
): Promise<{ userId: string; data: Record<string, unknown> } | undefined> {
  const row = await q(db)
    .selectFrom('auth_tokens')
    .select(['user_id', 'data'])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .where('user_id', 'is not', null)
    .executeTakeFirst();
  return row?.user_id ? { userId: row.user_id, data: row.data } : undefined;
}

/** Uses the token up; true only for the first caller (a second use of a link fails). */
export async function consumeToken(db: AnyDb, token: string, purpose: TokenPurpose): Promise<boolean> {
  const result = await q(db)
    .updateTable('auth_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function revokeTokens(db: AnyDb, userId: string, purpose: TokenPurpose): Promise<void> {
  await q(db)
    .updateTable('auth_tokens')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

/** The citizen who logged in with this provider identity, created on first login. */
export async function upsertCitizen(
  db: AnyDb,
  identity: { provider: string; subject: string },
  profile: {
    displayName: string;
    givenName: string | null;
    familyName: string | null;
    email: string | null;
    fiscalNumber: string | null;
  },
): Promise<string> {
  const found = await q(db)
    .selectFrom('user_identities')
    .select('user_id')
    .where('provider', '=', identity.provider)
    .where('subject', '=', identity.subject)
    .executeTakeFirst();
  const values = {
    display_name: profile.displayName,
    given_name: profile.givenName,
    family_name: profile.familyName,
    fiscal_number: profile.fiscalNumber,
  };
  if (found) {
    await q(db)
      .updateTable('users')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', found.user_id)
      .execute();
    await touchIdentity(db, identity.provider, identity.subject);
    return found.user_id;
  }
  const user = await q(db)
    .insertInto('users')
    .values({ kind: 'citizen', ...values, email: profile.email })
    .returning('id')
    .executeTakeFirstOrThrow();
  await q(db)
    .insertInto('user_identities')
    .values({ ...identity, user_id: user.id, last_login_at: new Date() })
    .execute();
  return user.id;
}

/** The user's preferred language (set on the profile page). */
export async function userLang(db: AnyDb, userId: string): Promise<'it' | 'en'> {
  const row = await q(db).selectFrom('users').select('lang').where('id', '=', userId).executeTakeFirst();
  return row?.lang ?? 'it';
}

export async function insertPendingLogin(
  db: AnyDb,
  token: string,
  data: Record<string, unknown>,
  ttlSeconds: number,
) {
  await q(db)
    .insertInto('auth_tokens')
    .values({
      token_hash: hashToken(token),
      purpose: 'oidc-login',
      user_id: null,
      data: JSON.stringify(data),
      expires_at: new Date(Date.now() + ttlSeconds * 1000),
    })
    .execute();
}

/** Uses the pending login up and returns what it remembered; a replayed callback finds nothing. */
export async function takePendingLogin(
  db: AnyDb,
  token: string,
): Promise<Record<string, unknown> | undefined> {
  const row = await q(db)
    .updateTable('auth_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', 'oidc-login')
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('data')
    .executeTakeFirst();
  return row?.data;
}

/** Records the time step of an accepted TOTP code; false when that step (or a later one) was used. */
export async function useTotpStep(db: AnyDb, userId: string, step: number): Promise<boolean> {
  const result = await q(db)
    .updateTable('staff_accounts')
    .set({ totp_last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
