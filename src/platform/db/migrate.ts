// Forward-only SQL migrations from migrations/NNNN_description.sql, the same files for PGlite and
// PostgreSQL. Each file runs in its own transaction; an advisory lock lets several processes start at once.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './database.ts';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);
const LOCK_KEY = 7_240_311; // arbitrary, constant: "convergenza migrations"

export interface MigrationResult {
  applied: string[];
  total: number;
}

export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await fs.readdir(dir)).filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name)).sort();
  await database.script(
    'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
  );
  const applied: string[] = [];
  for (const name of files) {
    const text = await fs.readFile(path.join(dir, name), 'utf8');
    const done = await sql<{ name: string }>`select name from schema_migrations where name = ${name}`.execute(
      database.db,
    );
    if (done.rows.length > 0) continue;
    // The lock and the bookkeeping live inside the script's transaction, so a crash leaves nothing behind.
    const ran = await database
      .script(
        `begin;
select pg_advisory_xact_lock(${LOCK_KEY});
do $m$ begin
  if exists (select 1 from schema_migrations where name = '${name}') then
    raise exception 'already-applied';
  end if;
end $m$;
${text}
;
insert into schema_migrations (name) values ('${name}');
commit;`,
      )
      .then(() => true)
      .catch((error: Error) => {
        // Another process applied it while this one waited for the lock.
        if (String(error.message).includes('already-applied')) return false;
        throw new Error(`migration ${name} failed: ${error.message}`);
      });
    if (ran) applied.push(name);
  }
  return { applied, total: files.length };
}
