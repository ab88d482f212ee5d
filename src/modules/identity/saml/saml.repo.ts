// All SQL of the SAML login: the AuthnRequests waiting for their response.
import type { ColumnType, JSONColumnType, Kysely } from 'kysely';
import { hashToken } from '../../../platform/auth/sessions.repo.ts';
import type { AnyDb, Db } from '../../../platform/db/database.ts';
import type { PlatformTables } from '../../../platform/db/tables.ts';

export interface SamlOutcome {
  idp: string;
  level: number;
  nameId: string;
  attributes: Record<string, string>;
}

type SamlTables = {
  saml_requests: {
    id: string;
    browser_hash: string;
    idp: string;
    level: number;
    issued_at: ColumnType<Date, Date, Date>;
    next: string;
    expires_at: ColumnType<Date, Date, Date>;
    answered_at: Date | null;
    outcome: JSONColumnType<SamlOutcome | null, string | null, string | null>;
  };
};
const q = (db: AnyDb): Kysely<PlatformTables & SamlTables> => (db as Db).withTables<SamlTables>();

export interface SamlRequestRow {
  id: string;
  idp: string;
  level: number;
  issued_at: Date;
  next: string;
}

export async function insertRequest(
  db: AnyDb,
  browserToken: string,
  request: SamlRequestRow,
  ttlSeconds: number,
): Promise<void> {
  const now = new Date();
  await q(db).deleteFrom('saml_requests').where('expires_at', '<', now).execute();
  await q(db)
    .insertInto('saml_requests')
    .values({
      ...request,
      browser_hash: hashToken(browserToken),
      expires_at: new Date(now.getTime() + ttlSeconds * 1000),
    })
    .execute();
}

/** Claims the request a response answers: once only, and only before it expires. */
export async function claimRequest(db: AnyDb, id: string): Promise<SamlRequestRow | undefined> {
  return q(db)
    .updateTable('saml_requests')
    .set({ answered_at: new Date() })
    .where('id', '=', id)
    .where('answered_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['id', 'idp', 'level', 'issued_at', 'next'])
    .executeTakeFirst();
}

export async function recordOutcome(db: AnyDb, id: string, outcome: SamlOutcome): Promise<void> {
  await q(db)
    .updateTable('saml_requests')
    .set({ outcome: JSON.stringify(outcome) })
    .where('id', '=', id)
    .execute();
}

/** The verified identity for the browser that started the login; taken once. */
export async function takeOutcome(
  db: AnyDb,
  browserToken: string,
): Promise<{ outcome: SamlOutcome; next: string } | undefined> {
  const row = await q(db)
    .deleteFrom('saml_requests')
    .where('browser_hash', '=', hashToken(browserToken))
    .where('outcome', 'is not', null)
    .where('expires_at', '>', new Date())
    .returning(['outcome', 'next'])
    .executeTakeFirst();
  return row?.outcome ? { outcome: row.outcome, next: row.next } : undefined;
}

/** Where a login that failed before its request was found was heading (for the error page). */
export async function nextOf(db: AnyDb, id: string): Promise<string | undefined> {
  const row = await q(db).selectFrom('saml_requests').select('next').where('id', '=', id).executeTakeFirst();
  return row?.next;
}
