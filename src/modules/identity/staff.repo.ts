// SQL of the staff an ente manages itself: its grants, its enterprise identity provider, and the
// provider identities linked to staff accounts. Every query on tenant data filters by ente_id.
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type { PlatformTables } from '../../platform/db/tables.ts';
import type { IdentityTables, StaffRole } from './identity.schema.ts';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

type EnterpriseTables = {
  enterprise_idps: {
    ente_id: string;
    issuer: string;
    client_id: string;
    client_secret: string;
    client_auth_method: ClientAuthMethod;
    allowed_domain: string | null;
    updated_by: string;
    created_at: Generated<Date>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
};

type Q = Kysely<PlatformTables & IdentityTables & EnterpriseTables>;
const q = (db: AnyDb): Q => (db as Db).withTables<IdentityTables & EnterpriseTables>();

export interface StaffGrantRow {
  userId: string;
  displayName: string;
  email: string;
  active: boolean;
  role: StaffRole;
  areas: string[] | null;
}

/** The ente's staff, one row per grant, by name. */
export async function staffOf(db: AnyDb, enteId: string, userId?: string): Promise<StaffGrantRow[]> {
  let query = q(db)
    .selectFrom('staff_grants')
    .innerJoin('staff_accounts', 'staff_accounts.user_id', 'staff_grants.user_id')
    .innerJoin('users', 'users.id', 'staff_grants.user_id')
    .select([
      'staff_grants.user_id',
      'users.display_name',
      'staff_accounts.email',
      'staff_accounts.password_hash',
      'staff_grants.role',
      'staff_grants.areas',
    ])
    .where('staff_grants.ente_id', '=', enteId);
  if (userId) query = query.where('staff_grants.user_id', '=', userId);
  const rows = await query.orderBy('users.display_name').orderBy('staff_grants.role').execute();
  return rows.map((r) => ({
    userId: r.user_id,
    displayName: r.display_name,
    email: r.email,
    active: r.password_hash !== null,
    role: r.role,
    areas: r.areas,
  }));
}

/** Removes one grant; false when there was none. */
export async function deleteGrant(
  db: AnyDb,
  grant: { enteId: string; userId: string; role: StaffRole },
): Promise<boolean> {
  const result = await q(db)
    .deleteFrom('staff_grants')
    .where('ente_id', '=', grant.enteId)
    .where('user_id', '=', grant.userId)
    .where('role', '=', grant.role)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface IdpRow {
  enteId: string;
  issuer: string;
  clientId: string;
  /** Sealed. */
  clientSecret: string;
  clientAuthMethod: ClientAuthMethod;
  allowedDomain: string | null;
  updatedAt: Date;
}

export async function findIdp(db: AnyDb, enteId: string): Promise<IdpRow | undefined> {
  const row = await q(db)
    .selectFrom('enterprise_idps')
    .selectAll()
    .where('ente_id', '=', enteId)
    .executeTakeFirst();
  return (
    row && {
      enteId: row.ente_id,
      issuer: row.issuer,
      clientId: row.client_id,
      clientSecret: row.client_secret,
      clientAuthMethod: row.client_auth_method,
      allowedDomain: row.allowed_domain,
      updatedAt: row.updated_at,
    }
  );
}

export async function saveIdp(db: AnyDb, idp: Omit<IdpRow, 'updatedAt'>, actor: string): Promise<void> {
  const values = {
    issuer: idp.issuer,
    client_id: idp.clientId,
    client_secret: idp.clientSecret,
    client_auth_method: idp.clientAuthMethod,
    allowed_domain: idp.allowedDomain,
    updated_by: actor,
    updated_at: new Date(),
  };
  await q(db)
    .insertInto('enterprise_idps')
    .values({ ente_id: idp.enteId, ...values })
    .onConflict((oc) => oc.column('ente_id').doUpdateSet(values))
    .execute();
}

export async function deleteIdp(db: AnyDb, enteId: string): Promise<boolean> {
  const result = await q(db).deleteFrom('enterprise_idps').where('ente_id', '=', enteId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The enti whose operators may log in with an enterprise provider (platform-wide, for the login page). */
export async function enteIdsWithIdp(db: AnyDb): Promise<string[]> {
  const rows = await q(db).selectFrom('enterprise_idps').select('ente_id').execute();
  return rows.map((r) => r.ente_id);
}

export async function userOfIdentity(db: AnyDb, provider: string, subject: string): Promise<string | null> {
  const row = await q(db)
    .selectFrom('user_identities')
    .select('user_id')
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** Links a provider identity to a user (the first link stays: a later one for another user is ignored). */
export async function linkIdentity(db: AnyDb, provider: string, subject: string, userId: string) {
  await q(db)
    .insertInto('user_identities')
    .values({ provider, subject, user_id: userId, last_login_at: new Date() })
    .onConflict((oc) => oc.columns(['provider', 'subject']).doUpdateSet({ last_login_at: new Date() }))
    .execute();
}
