// The second wall: under the application role, row-level security hides and protects other enti's rows
// even from a raw query that forgets the tenant filter.
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, type TestDatabase, testDatabase } from '../../../test/support.ts';
import { recordAudit } from '../audit/audit.ts';
import { enqueue } from '../jobs/jobs.ts';
import { TenantPostgresDialect, withTenant } from './tenant.ts';

let database: TestDatabase;
let jesolo: string;
let caorle: string;

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await enteId(database, 'jesolo');
  caorle = await enteId(database, 'caorle');
  await database.db.transaction().execute(async (trx) => {
    await recordAudit(trx, { enteId: caorle, actor: 'test', action: 'test.caorle', targetType: 'test' });
    await enqueue(trx, caorle, 'test.queue', { secret: 'caorle' });
  });
});
afterAll(() => database.close());

const count = (rows: { n: unknown }[]) => Number(rows[0]!.n);

describe('row-level security for the application role', () => {
  it('hides other enti rows from a raw query without a tenant filter', async () => {
    await withTenant(database.db, jesolo, async (trx) => {
      const role = await sql<{ role: string }>`select current_user as role`.execute(trx);
      expect(role.rows[0]!.role).toBe('convergenza_app');
      const hosts = await sql<{ host: string }>`select host from ente_hosts`.execute(trx);
      expect(hosts.rows.map((r) => r.host)).toEqual(['servizi.comune.jesolo.ve.it']);
      const events = await sql<{
        n: number;
      }>`select count(*) as n from audit_events where ente_id = ${caorle}`.execute(trx);
      expect(count(events.rows)).toBe(0);
      const jobs = await sql<{ n: number }>`select count(*) as n from jobs`.execute(trx);
      expect(count(jobs.rows)).toBe(0);
    });
    // The same queries as the owner see Caorle's rows: the filter above came from RLS alone.
    const all = await sql<{ n: number }>`select count(*) as n from jobs where ente_id = ${caorle}`.execute(
      database.db,
    );
    expect(count(all.rows)).toBe(1);
  });

  it('refuses to write rows of another ente', async () => {
    await expect(
      withTenant(database.db, jesolo, (trx) =>
        sql`insert into ente_hosts (ente_id, host) values (${caorle}, 'rubato.example.it')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(database.db, jesolo, (trx) => enqueue(trx, caorle, 'test.queue', {})),
    ).rejects.toThrow(/row-level security/);
    const updated = await withTenant(database.db, jesolo, (trx) =>
      sql`update enti set contacts = '{"email":"x@y.it"}' where id = ${caorle}`.execute(trx),
    );
    expect(Number(updated.numAffectedRows)).toBe(0);
  });

  it('never lets the application role rewrite or delete audit events', async () => {
    await expect(
      withTenant(database.db, caorle, (trx) =>
        sql`update audit_events set actor = 'someone else'`.execute(trx),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withTenant(database.db, caorle, (trx) => sql`delete from audit_events`.execute(trx)),
    ).rejects.toThrow(/permission denied/);
  });

  it('sees nothing tenant-owned outside a tenant transaction when the ente is unset', async () => {
    const rows = await database.db.transaction().execute(async (trx) => {
      await sql`select set_config('role', 'convergenza_app', true)`.execute(trx);
      return sql<{ n: number }>`select count(*) as n from ente_hosts`.execute(trx);
    });
    expect(count(rows.rows)).toBe(0);
  });

  it('enters the ente for the transaction only, and on PostgreSQL with its BEGIN (one round trip)', async () => {
    const client = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = client.query;
    const sent: string[] = [];
    client.query = function (this: unknown, ...args: unknown[]) {
      sent.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
      return query.apply(this, args);
    };
    try {
      const seen = await withTenant(database.db, caorle, async (trx) => {
        const inside = await sql<{ ente: string; who: string }>`select current_setting('app.ente_id') as ente,
          current_user as who`.execute(trx);
        // A transaction begun inside is another connection's, not entered (PGlite has one connection).
        const other =
          database.kind === 'postgres'
            ? await database.db
                .transaction()
                .execute((t) => sql<{ who: string }>`select current_user as who`.execute(t))
            : { rows: [{ who: 'owner' }] };
        return { ...inside.rows[0]!, other: other.rows[0]!.who };
      });
      expect(seen).toEqual({
        ente: caorle,
        who: 'convergenza_app',
        other: expect.not.stringMatching(/^convergenza_app$/),
      });
    } finally {
      client.query = query;
    }
    if (database.kind === 'postgres') {
      expect(sent[0]).toMatch(new RegExp(`^begin; select set_config\\('app.ente_id', '${caorle}', true\\)`));
      expect(sent.filter((text) => text.includes('set_config'))).toHaveLength(1);
    }
  });

  it('rolls back when the BEGIN that enters the ente fails, so the connection goes back clean', async () => {
    const sent: string[] = [];
    const client = {
      query: async (text: string) => {
        sent.push(text);
        if (text.startsWith('begin;')) throw new Error('permission denied to set role "convergenza_app"');
        return { command: 'ROLLBACK', rows: [] };
      },
      release: () => {},
    };
    const db = new Kysely<object>({
      dialect: new TenantPostgresDialect({ connect: async () => client } as never),
    });
    await expect(withTenant(db, caorle, async () => 'not reached')).rejects.toThrow(/permission denied/);
    expect(sent).toEqual([expect.stringMatching(/^begin; select set_config\('app.ente_id'/), 'rollback']);
  });
});
