// Named prepared statements: named once per text and bounded; on PostgreSQL each connection prepares
// them, and a prepared statement still answers for the ente of the current transaction (row-level
// security is applied when it runs, also once PostgreSQL switches to a generic plan).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, type TestDatabase, testDatabase } from '../../../test/support.ts';
import { MAX_NAMED_PARAMETERS, MAX_NAMED_TEXT, StatementNames } from './prepared.ts';
import { withTenant } from './tenant.ts';

describe('statement names', () => {
  it('gives a text one name, distinct texts distinct names, up to the cap', () => {
    const names = new StatementNames(2);
    const a = names.of('select $1', 1);
    expect(a).toMatch(/^cz_\d+$/);
    expect(names.of('select $1', 1)).toBe(a);
    const b = names.of('select $1, $2', 2);
    expect(b).not.toBe(a);
    expect(names.of('select $1, $2, $3', 3)).toBeUndefined();
    expect(names.of('select $1', 1)).toBe(a);
  });

  it('leaves very long texts, many parameters and parameter lists unnamed', () => {
    expect(new StatementNames().of('select * from t where e = $1 and id in ($2, $3)', 3)).toBeUndefined();
    expect(new StatementNames().of('select * from t where e = $1 and id in ($2)', 2)).toMatch(/^cz_/);
    expect(new StatementNames().of('insert into t (a, b) values ($1, $2), ($3, $4)', 4)).toBeUndefined();
    expect(new StatementNames().of('insert into t (a, b, c) values ($1, $2, $3)', 3)).toMatch(/^cz_/);
    expect(new StatementNames().of(`select $1 ${' '.repeat(MAX_NAMED_TEXT)}`, 1)).toBeUndefined();
    const list = Array.from({ length: MAX_NAMED_PARAMETERS + 1 }, (_, i) => `$${i + 1}`).join(', ');
    expect(
      new StatementNames().of(`select * from t where id in (${list})`, MAX_NAMED_PARAMETERS + 1),
    ).toBeUndefined();
  });
});

describe('prepared statements on the database', () => {
  let database: TestDatabase;
  let jesolo: string;
  let caorle: string;
  beforeAll(async () => {
    database = await testDatabase();
    jesolo = await enteId(database, 'jesolo');
    caorle = await enteId(database, 'caorle');
  });
  afterAll(() => database.close());

  // No ente filter in the text: only row-level security tells the enti apart.
  const hosts = (id: string) =>
    withTenant(database.db, id, async (trx) => {
      // The plan made without the parameters' values (and without the ente), as after five runs.
      await sql`set local plan_cache_mode = force_generic_plan`.execute(trx);
      const { rows } = await sql<{ host: string }>`select host from ente_hosts where host <> ${''}`.execute(
        trx,
      );
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        trx,
      );
      return { hosts: rows.map((r) => r.host), prepared: prepared.rows.map((r) => r.statement) };
    });

  it('answers each run for the ente of its transaction, also with a generic plan', async () => {
    // First run by the owner (no row-level security) on every connection of the pool: all hosts.
    const all = await Promise.all(
      [1, 2, 3, 4].map(() =>
        sql<{ host: string }>`select host from ente_hosts where host <> ${''}`.execute(database.db),
      ),
    );
    for (const { rows } of all) expect(rows.length).toBeGreaterThan(2);
    for (let i = 0; i < 12; i++) {
      const [id, host] =
        i % 2 ? [caorle, 'servizi.comune.caorle.ve.it'] : [jesolo, 'servizi.comune.jesolo.ve.it'];
      const { hosts: seen, prepared } = await hosts(id);
      expect(seen).toEqual([host]);
      if (database.kind === 'postgres') {
        expect(prepared.some((text) => text.includes('select host from ente_hosts'))).toBe(true);
      }
    }
  });
});
