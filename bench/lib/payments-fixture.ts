// A payments database for the payments benchmark and the reliability check: migrated, the Venice demo
// seeded with its payment settings, `count` debt positions of Jesolo created through the module's own
// API, and the pagoPA receipt (XML) that pays each of them.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDebtPosition, paymentSettings, seedPaymentsDemo } from '../../src/modules/payments/index.ts';
import { receiptXml } from '../../src/modules/payments/receipt-xml.ts';
import { seedAggregation } from '../../src/modules/tenancy/index.ts';
import { type Database, openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { withTenant } from '../../src/platform/db/tenant.ts';

export interface PaymentsFixture {
  database: Database;
  enteId: string;
  creditor: string;
}

/** Opens (with a pool for `connections` concurrent writers), migrates and seeds the database. */
export async function preparePayments(databaseUrl: string, connections = 20): Promise<PaymentsFixture> {
  const database = await openDatabase({ databaseUrl, dataDir: null, poolSize: connections });
  await migrate(database);
  const { sad } = await seedAggregation(database.db, 'venezia');
  await seedPaymentsDemo(database.db, sad.id);
  const { rows } = await sql<{ id: string }>`select id from enti where slug = 'jesolo'`.execute(database.db);
  const enteId = rows[0]!.id;
  const settings = await paymentSettings(database.db, enteId);
  if (!settings) throw new Error('the payments demo seed configured no settings for Jesolo');
  return { database, enteId, creditor: settings.creditorFiscalCode };
}

export interface BenchPosition {
  positionId: string;
  iuv: string;
  noticeNumber: string;
  amountCents: number;
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/** Creates `count` single-payment positions (source module `module`), `batch` per transaction. */
export async function createPositions(
  fixture: PaymentsFixture,
  count: number,
  module: string,
  batch = 50,
): Promise<BenchPosition[]> {
  const positions: BenchPosition[] = [];
  for (let start = 0; start < count; start += batch) {
    await withTenant(fixture.database.db, fixture.enteId, async (trx) => {
      for (let i = start; i < Math.min(count, start + batch); i++) {
        const amountCents = 1000 + (i % 500);
        const created = await createDebtPosition(trx, {
          enteId: fixture.enteId,
          source: { module, ref: `${module}-${i}` },
          debtor: { fiscalCode: 'ZNTGLI84C52L736W', fullName: 'Giulia Zanetti' },
          itemCode: 'MENSA',
          description: `Prova ${i}`,
          options: [{ amountCents, dueDate: tomorrow(), single: true }],
        });
        const option = created.options[0]!;
        positions.push({
          positionId: created.positionId,
          iuv: option.iuv,
          noticeNumber: option.noticeNumber,
          amountCents,
        });
      }
    });
  }
  return positions;
}

/** The receipt that pays a position, with a receipt id unique to this run. */
export function receiptFor(fixture: PaymentsFixture, position: BenchPosition, run: string): string {
  return receiptXml({
    receiptId: `${run}${position.iuv}`.slice(0, 35),
    noticeNumber: position.noticeNumber,
    iuv: position.iuv,
    organizationFiscalCode: fixture.creditor,
    amountCents: position.amountCents,
    outcome: 'OK',
    paymentDateTime: new Date().toISOString(),
    pspCompanyName: 'PSP di prova',
    debtorFiscalCode: 'ZNTGLI84C52L736W',
    description: 'Prova',
  });
}

export const runId = () => randomUUID().replace(/-/g, '').slice(0, 10);
