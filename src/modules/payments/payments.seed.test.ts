// The demo seed: every demo comune takes payments, and the demo citizens have fees to pay.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../../test/support.ts';
import { isValidIban } from './payments.rules.ts';
import { demoIban, seedPaymentsDemo } from './payments.seed.ts';
import { listDebtPositions } from './payments.service.ts';
import { listItems, paymentSettings } from './payments.settings.ts';
import { count } from './payments.test-support.ts';

let database: TestDatabase;
let sadId: string;

beforeAll(async () => {
  database = await testDatabase();
  sadId = (await sql<{ id: string }>`select id from enti where slug = 'cm-venezia'`.execute(database.db))
    .rows[0]!.id;
});
afterAll(() => database.close());

const idOf = async (slug: string) =>
  (await sql<{ id: string }>`select id from enti where slug = ${slug}`.execute(database.db)).rows[0]!.id;

describe('seedPaymentsDemo', () => {
  it('configures the comuni, fills their catalogue and gives the demo citizens fees to pay, once', async () => {
    const first = await seedPaymentsDemo(database.db, sadId);
    expect(first.configured).toBeGreaterThan(10);
    expect(first.positions).toBeGreaterThanOrEqual(5);

    const jesolo = await idOf('jesolo');
    expect(await paymentSettings(database.db, jesolo)).toMatchObject({
      segregationCode: '01',
      hasGpdKey: true,
    });
    expect((await listItems(database.db, jesolo)).map((i) => i.code).sort()).toEqual([
      'BOLLO',
      'CDS',
      'CERT',
      'CIE',
      'MENSA',
    ]);
    const giulia = await listDebtPositions(database.db, jesolo, {
      debtorFiscalCode: 'ZNTGLI84C52L736W',
      limit: 10,
      offset: 0,
    });
    expect(giulia.items.map((p) => [p.status, p.options[0]!.amountCents]).sort()).toEqual([
      ['pending', 2221],
      ['pending', 4560],
    ]);
    expect(await count(database.db, 'jobs', { queue: 'payments.gpd-sync' })).toBe(first.positions);

    expect(await seedPaymentsDemo(database.db, sadId)).toEqual({ configured: 0, positions: 0 });
    expect(await count(database.db, 'payment_positions')).toBe(first.positions);
  });

  it('makes test IBANs with valid check digits', () => {
    expect(isValidIban(demoIban('027019'))).toBe(true);
    expect(demoIban('027019')).toMatch(/^IT\d{2}X9999901000DEMO00027019$/);
  });
});
