// Test helpers of the payments area: an ente of the demo seed made ready to take payments, new positions
// with sensible defaults, receipts as pagoPA would send them, and row counts.
import { sql } from 'kysely';
import type { TestDatabase } from '../../../test/support.ts';
import { enteId as enteIdOf } from '../../../test/support.ts';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { getEnte } from '../tenancy/index.ts';
import { demoIban } from './payments.seed.ts';
import { type CreatedDebtPosition, createDebtPosition } from './payments.service.ts';
import { saveItem, saveSettings } from './payments.settings.ts';
import type { NewDebtPosition } from './payments.validation.ts';
import { type Receipt, receiptXml } from './receipt-xml.ts';

export const SEAL_KEY = 'test-seal-key-material';
export const GPD_KEY = 'test-gpd-subscription-key';
export const CITIZEN = {
  fiscalCode: 'ZNTGLI84C52L736W',
  fullName: 'Giulia Zanetti',
  email: 'giulia@example.it',
};

export interface PayingEnte {
  id: string;
  slug: string;
  creditorFiscalCode: string;
  iban: string;
  segregationCode: string;
}

/** An ente of the demo seed with pagoPA settings and three catalogue items (FEE, BOLLO, OLD inactive). */
export async function payingEnte(
  database: TestDatabase,
  slug: string,
  segregationCode = '47',
): Promise<PayingEnte> {
  const id = await enteIdOf(database, slug);
  const { ente } = await getEnte(database.db, id);
  const creditorFiscalCode = ente.fiscalCode!;
  const iban = demoIban(ente.istatCode!);
  const actor = { subject: 'test' };
  await saveSettings(database.db, SEAL_KEY, actor, id, {
    creditorFiscalCode,
    segregationCode,
    iban,
    postalAccount: '',
    cbill: '',
    gpdKey: GPD_KEY,
  });
  const item = { amount: '', active: true };
  await saveItem(
    database.db,
    actor,
    id,
    { ...item, code: 'FEE', label: 'Diritti', kind: 'service_fee', taxonomy: '0101107SP' },
    'create',
  );
  await saveItem(
    database.db,
    actor,
    id,
    { ...item, code: 'BOLLO', label: 'Bollo', kind: 'stamp_duty', taxonomy: '0101101IM' },
    'create',
  );
  await saveItem(
    database.db,
    actor,
    id,
    { ...item, code: 'OLD', label: 'Vecchia', kind: 'other', taxonomy: '0101101IM', active: false },
    'create',
  );
  return { id, slug, creditorFiscalCode, iban, segregationCode };
}

/** A date `days` from today, YYYY-MM-DD (UTC: tests keep a margin of a day or more). */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

let refs = 0;
export function newPosition(enteId: string, overrides: Partial<NewDebtPosition> = {}): NewDebtPosition {
  refs++;
  return {
    enteId,
    source: { module: 'certificates', ref: `req-${refs}-${Math.random().toString(36).slice(2)}` },
    debtor: CITIZEN,
    itemCode: 'FEE',
    description: 'Certificato di residenza: diritti',
    options: [{ amountCents: 1600, dueDate: inDays(30) }],
    ...overrides,
  };
}

export const create = (db: Db, input: NewDebtPosition): Promise<CreatedDebtPosition> =>
  withTenant(db, input.enteId, (trx) => createDebtPosition(trx, input));

/** The XML of a receipt paying `option` of a position of `ente`. */
export function receiptFor(
  ente: PayingEnte,
  option: { iuv: string; noticeNumber: string; amountCents: number },
  overrides: Partial<Receipt> = {},
): string {
  return receiptXml({
    receiptId: `r-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`,
    noticeNumber: option.noticeNumber,
    iuv: option.iuv,
    organizationFiscalCode: ente.creditorFiscalCode,
    amountCents: option.amountCents,
    outcome: 'OK',
    paymentDateTime: new Date().toISOString(),
    pspCompanyName: 'Banca di prova',
    debtorFiscalCode: CITIZEN.fiscalCode,
    description: 'Pagamento di prova',
    ...overrides,
  });
}

/** Rows of a table, optionally of one ente, counted as the owner. */
export async function count(db: AnyDb, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const conditions = Object.entries(where).map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
  const filter = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} ${filter}`.execute(
    db,
  );
  return Number(result.rows[0]!.n);
}
