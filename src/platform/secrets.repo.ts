import { randomBytes } from 'node:crypto';
import type { Db } from './db/database.ts';

/** A secret shared by every process of the installation: created once, then read from the database. */
export function platformSecret(db: Db, name: string): Promise<string> {
  return platformSecretWith(db, name, () => randomBytes(32).toString('base64url'));
}

/** The same, with the value made by `create` the first time (a key pair, say). */
export async function platformSecretWith(
  db: Db,
  name: string,
  create: () => string | Promise<string>,
): Promise<string> {
  const existing = await db
    .selectFrom('platform_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing) return existing.value;
  await db
    .insertInto('platform_secrets')
    .values({ name, value: await create() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('platform_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.value;
}
