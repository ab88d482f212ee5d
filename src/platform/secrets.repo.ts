import { randomBytes } from 'node:crypto';
import type { Db } from './db/database.ts';

/** A secret shared by every process of the installation: created once, then read from the database. */
export async function platformSecret(db: Db, name: string): Promise<string> {
  await db
    .insertInto('platform_secrets')
    .values({ name, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('platform_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.value;
}
