import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, type TestDatabase, testDatabase } from '../../../test/support.ts';
import { canonicalJson, recordAudit, verifyAudit } from './audit.ts';

let database: TestDatabase;
let noale: string;

beforeAll(async () => {
  database = await testDatabase();
  noale = await enteId(database, 'noale');
  for (let i = 1; i <= 5; i++) {
    await database.db.transaction().execute((trx) =>
      recordAudit(trx, {
        enteId: noale,
        actor: 'op',
        action: 'test.step',
        targetType: 'thing',
        targetId: String(i),
        content: { i, nested: { b: 1, a: [1, 2] } },
      }),
    );
  }
});
afterAll(() => database.close());

const tamper = (query: ReturnType<typeof sql>) => query.execute(database.db);

describe('audit chain', () => {
  it('hashes content canonically, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}',
    );
  });

  it('verifies an intact chain, the seed events included', async () => {
    const report = await verifyAudit(database.db);
    expect(report.problems).toEqual([]);
    expect(report.events).toBeGreaterThanOrEqual(5 + 23);
  });

  it('finds a changed content, a changed field, a missing event and a removed tail', async () => {
    const ente = { enteId: noale };
    const check = async () => (await verifyAudit(database.db, ente)).problems[0];
    const seqOf = async (targetId: string) =>
      Number(
        (
          await sql<{
            seq: number;
          }>`select seq from audit_events where ente_id = ${noale} and target_id = ${targetId}`.execute(
            database.db,
          )
        ).rows[0]!.seq,
      );
    const s2 = await seqOf('2');

    await tamper(
      sql`update audit_events set content = '{"i": 99, "nested": {"a": [1, 2], "b": 1}}' where ente_id = ${noale} and seq = ${s2}`,
    );
    expect(await check()).toEqual({ enteId: noale, seq: s2, reason: 'content-changed' });
    await tamper(
      sql`update audit_events set content = '{"i": 2, "nested": {"a": [1, 2], "b": 1}}' where ente_id = ${noale} and seq = ${s2}`,
    );
    expect(await check()).toBeUndefined();

    await tamper(
      sql`update audit_events set actor = 'someone else' where ente_id = ${noale} and seq = ${s2}`,
    );
    expect(await check()).toEqual({ enteId: noale, seq: s2, reason: 'event-changed' });
    await tamper(sql`update audit_events set actor = 'op' where ente_id = ${noale} and seq = ${s2}`);

    const s5 = await seqOf('5');
    await tamper(sql`delete from audit_events where ente_id = ${noale} and seq = ${s5}`);
    expect(await check()).toEqual({ enteId: noale, seq: s5, reason: 'missing' });

    const s3 = await seqOf('3');
    await tamper(sql`delete from audit_events where ente_id = ${noale} and seq = ${s3}`);
    expect(await check()).toEqual({ enteId: noale, seq: s3, reason: 'missing' });
  });

  it('keeps appending in order under concurrent writers', async () => {
    const mirano = await enteId(database, 'mirano');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction().execute((trx) =>
          recordAudit(trx, {
            enteId: mirano,
            actor: 'op',
            action: 'test.parallel',
            targetType: 'thing',
            targetId: String(i),
          }),
        ),
      ),
    );
    const report = await verifyAudit(database.db, { enteId: mirano });
    expect(report.problems).toEqual([]);
    expect(report.events).toBe(20);
  });

  it('loses the event when the transaction that made it rolls back', async () => {
    const spinea = await enteId(database, 'spinea');
    await expect(
      database.db.transaction().execute(async (trx) => {
        await recordAudit(trx, { enteId: spinea, actor: 'op', action: 'test.rollback', targetType: 'thing' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const rows = await sql<{
      n: number;
    }>`select count(*) as n from audit_events where action = 'test.rollback'`.execute(database.db);
    expect(Number(rows.rows[0]!.n)).toBe(0);
    expect((await verifyAudit(database.db, { enteId: spinea })).problems).toEqual([]);
  });
});
