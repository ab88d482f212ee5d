// Creating debt positions: what is stored and queued, each bad input named by its field with nothing
// written, idempotency by source reference, and unique IUVs under concurrent writers.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../../test/support.ts';
import { type Database, openDatabase } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { isValidNoticeNumber, parseNoticeNumber } from './notice-number.ts';
import { reserveIuvBases } from './payments.repo.ts';
import { MAX_AMOUNT_CENTS } from './payments.schema.ts';
import { cancelDebtPosition, createDebtPosition, getDebtPosition } from './payments.service.ts';
import {
  CITIZEN,
  count,
  create,
  inDays,
  newPosition,
  type PayingEnte,
  payingEnte,
} from './payments.test-support.ts';
import type { NewDebtPosition } from './payments.validation.ts';

let database: TestDatabase;
let jesolo: PayingEnte;

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await payingEnte(database, 'jesolo');
});
afterAll(() => database.close());

const TABLES = [
  'payment_positions',
  'payment_options',
  'payment_transfers',
  'jobs',
  'audit_events',
  'payment_iuv_counters',
];
const snapshot = async () => {
  const rows = await Promise.all(TABLES.map((t) => count(database.db, t)));
  const counter = await sql<{
    b: number;
  }>`select coalesce(sum(last_base), 0) as b from payment_iuv_counters`.execute(database.db);
  return [...rows, Number(counter.rows[0]!.b)];
};

describe('createDebtPosition', () => {
  it('stores the position, allocates IUVs and notice numbers, queues the GPD publication and audits', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    expect(created.created).toBe(true);
    expect(created.iupd).toMatch(new RegExp(`^${jesolo.creditorFiscalCode}-[0-9a-f-]{36}$`));
    const [option] = created.options;
    expect(option!.noticeNumber).toBe(`3${option!.iuv}`);
    expect(isValidNoticeNumber(option!.noticeNumber)).toBe(true);
    expect(parseNoticeNumber(option!.noticeNumber)!.segregationCode).toBe('47');

    const position = (await getDebtPosition(database.db, jesolo.id, created.positionId))!;
    expect(position).toMatchObject({
      status: 'pending',
      debtor: { type: 'F', fiscalCode: CITIZEN.fiscalCode, fullName: CITIZEN.fullName },
      source: { module: 'certificates' },
      gpd: { state: 'queued', attempts: 0, error: null },
    });
    // No transfers given: the whole amount to the ente's IBAN, under the item's taxonomy.
    expect(position.options[0]!.transfers).toEqual([
      expect.objectContaining({ transferId: 1, amountCents: 1600, iban: jesolo.iban, taxonomy: '0101107SP' }),
    ]);
    expect(
      await count(database.db, 'jobs', {
        queue: 'payments.gpd-sync',
        idempotency_key: `${created.positionId}:publish`,
      }),
    ).toBe(1);
    expect(
      await count(database.db, 'audit_events', {
        action: 'payment.position.create',
        target_id: created.positionId,
      }),
    ).toBe(1);
  });

  it('makes instalments, with an optional single payment, and up to five transfers', async () => {
    const created = await create(
      database.db,
      newPosition(jesolo.id, {
        options: [
          { amountCents: 9000, dueDate: inDays(10), single: true },
          { amountCents: 5000, dueDate: inDays(10), description: 'Rata 1' },
          {
            amountCents: 5000,
            dueDate: inDays(40),
            description: 'Rata 2',
            transfers: [
              { amountCents: 3000 },
              {
                amountCents: 2000,
                beneficiaryFiscalCode: '00339370272',
                iban: 'IT60X0542811101000000123456',
                taxonomy: '0201101IM',
              },
            ],
          },
        ],
      }),
    );
    const position = (await getDebtPosition(database.db, jesolo.id, created.positionId))!;
    expect(position.options.map((o) => [o.isInstalment, o.amountCents])).toEqual([
      [false, 9000],
      [true, 5000],
      [true, 5000],
    ]);
    expect(position.dueDate).toBe(inDays(40));
    expect(
      position.options[2]!.transfers.map((t) => [t.amountCents, t.iban, t.beneficiaryFiscalCode]),
    ).toEqual([
      [3000, jesolo.iban, null],
      [2000, 'IT60X0542811101000000123456', '00339370272'],
    ]);
    const bases = created.options.map((o) => Number(o.iuv.slice(2, 15)));
    expect(bases).toEqual([bases[0], bases[0]! + 1, bases[0]! + 2]);
  });

  it('returns the live position of the same source reference instead of a second one', async () => {
    const input = newPosition(jesolo.id);
    const first = await create(database.db, input);
    const again = await create(database.db, { ...input, description: 'altro' });
    expect(again).toEqual({ ...first, created: false });
    expect(await count(database.db, 'payment_positions', { source_ref: input.source.ref })).toBe(1);
    // Once cancelled, the same reference may ask again.
    await withTenant(database.db, jesolo.id, (trx) =>
      cancelDebtPosition(trx, {
        enteId: jesolo.id,
        positionId: first.positionId,
        actor: { subject: 'test' },
      }),
    );
    const third = await create(database.db, input);
    expect(third.created).toBe(true);
    expect(third.positionId).not.toBe(first.positionId);
  });

  const bad: [string, (p: NewDebtPosition) => NewDebtPosition, string][] = [
    [
      'amount zero',
      (p) => ({ ...p, options: [{ ...p.options[0]!, amountCents: 0 }] }),
      'options.0.amountCents',
    ],
    [
      'amount negative',
      (p) => ({ ...p, options: [{ ...p.options[0]!, amountCents: -5 }] }),
      'options.0.amountCents',
    ],
    [
      'amount above the limit',
      (p) => ({ ...p, options: [{ ...p.options[0]!, amountCents: MAX_AMOUNT_CENTS + 1 }] }),
      'options.0.amountCents',
    ],
    [
      'amount not whole cents',
      (p) => ({ ...p, options: [{ ...p.options[0]!, amountCents: 10.5 }] }),
      'options.0.amountCents',
    ],
    [
      'invalid fiscal code',
      (p) => ({ ...p, debtor: { ...CITIZEN, fiscalCode: 'ZNTGLI84C52L736X' } }),
      'debtor.fiscalCode',
    ],
    [
      'due date in the past',
      (p) => ({ ...p, options: [{ ...p.options[0]!, dueDate: inDays(-3) }] }),
      'options.0.dueDate',
    ],
    [
      'due date not a date',
      (p) => ({ ...p, options: [{ ...p.options[0]!, dueDate: '2027-02-30' }] }),
      'options.0.dueDate',
    ],
    ['unknown item', (p) => ({ ...p, itemCode: 'NOPE' }), 'itemCode'],
    ['inactive item', (p) => ({ ...p, itemCode: 'OLD' }), 'itemCode'],
    ['no item and no taxonomy', ({ itemCode: _, ...p }) => p, 'itemCode'],
    [
      'transfers not adding up',
      (p) => ({
        ...p,
        options: [{ ...p.options[0]!, transfers: [{ amountCents: 1000 }, { amountCents: 500 }] }],
      }),
      'options.0.transfers',
    ],
    [
      'six transfers',
      (p) => ({
        ...p,
        options: [{ amountCents: 600, dueDate: inDays(5), transfers: Array(6).fill({ amountCents: 100 }) }],
      }),
      'options.0.transfers',
    ],
    ['stamp duty without the stamp', (p) => ({ ...p, itemCode: 'BOLLO' }), 'options.0.transfers'],
    ['no options', (p) => ({ ...p, options: [] }), 'options'],
    ['empty description', (p) => ({ ...p, description: '  ' }), 'description'],
    ['bad e-mail', (p) => ({ ...p, debtor: { ...CITIZEN, email: 'not-an-address' } }), 'debtor.email'],
    ['bad IUPD', (p) => ({ ...p, iupd: 'spazi non ammessi' }), 'iupd'],
    [
      'bad IBAN in a transfer',
      (p) => ({
        ...p,
        options: [
          { ...p.options[0]!, transfers: [{ amountCents: 1600, iban: 'IT00X0000000000000000000000' }] },
        ],
      }),
      'options.0.transfers.0.iban',
    ],
  ];

  it.each(bad)('refuses %s, naming the field, and writes nothing', async (_name, change, field) => {
    const before = await snapshot();
    const error = await create(database.db, change(newPosition(jesolo.id))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect((error as AppError).fields.map((f) => f.field)).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it('names every bad field at once', async () => {
    const input = newPosition(jesolo.id, {
      itemCode: 'NOPE',
      debtor: { fiscalCode: 'XYZ', fullName: '' },
      options: [{ amountCents: 0, dueDate: inDays(-1) }],
    });
    const error = (await create(database.db, input).catch((e: unknown) => e)) as AppError;
    expect(error.fields.map((f) => f.field).sort()).toEqual(
      [
        'debtor.fiscalCode',
        'debtor.fullName',
        'itemCode',
        'options.0.amountCents',
        'options.0.dueDate',
      ].sort(),
    );
  });

  it('accepts a stamp duty paid as a digital stamp, and legal persons as debtors', async () => {
    const created = await create(
      database.db,
      newPosition(jesolo.id, {
        itemCode: 'BOLLO',
        debtor: { fiscalCode: '00339370272', fullName: 'Ditta Esempio srl' },
        options: [
          {
            amountCents: 1600,
            dueDate: inDays(1),
            transfers: [
              { amountCents: 1600, stamp: { type: '01', hashDocument: 'a'.repeat(44), province: 'VE' } },
            ],
          },
        ],
      }),
    );
    const position = (await getDebtPosition(database.db, jesolo.id, created.positionId))!;
    expect(position.debtor.type).toBe('G');
    expect(position.options[0]!.transfers[0]).toMatchObject({
      iban: null,
      stamp: { type: '01', province: 'VE' },
    });
  });

  it('refuses to run outside a transaction, and an ente without settings', async () => {
    await expect(createDebtPosition(database.db, newPosition(jesolo.id))).rejects.toThrow(/transaction/);
    const caorle = (await sql<{ id: string }>`select id from enti where slug = 'caorle'`.execute(database.db))
      .rows[0]!.id;
    await expect(create(database.db, newPosition(caorle))).rejects.toMatchObject({
      code: 'PAYMENTS_NOT_CONFIGURED',
    });
  });

  it('keeps transfers adding up to their option even against a raw write (checked at commit)', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const iuv = created.options[0]!.iuv;
    await expect(
      withTenant(database.db, jesolo.id, (trx) =>
        sql`update payment_options set amount_cents = 1700 where ente_id = ${jesolo.id} and iuv = ${iuv}`.execute(
          trx,
        ),
      ),
    ).rejects.toThrow(/add up/);
  });
});

describe('IUV allocation', () => {
  // On PostgreSQL, 20 connections write at once (PGlite has one session: there they take turns).
  let writers: Database;
  beforeAll(async () => {
    writers = database.url
      ? await openDatabase({ databaseUrl: database.url, dataDir: null, poolSize: 20 })
      : database;
  });
  afterAll(async () => {
    if (writers !== database) await writers.close();
  });

  it('gives 20 concurrent writers distinct, consecutive numbers', async () => {
    const ranges = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withTenant(writers.db, jesolo.id, (trx) => reserveIuvBases(trx, jesolo.id, '11', 1 + (i % 3))),
      ),
    );
    const numbers = ranges.flatMap((first, i) => Array.from({ length: 1 + (i % 3) }, (_, k) => first + k));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: numbers.length }, (_, k) => k + 1));
  });

  it('gives 20 concurrent position creations distinct notice numbers', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, () =>
        create(
          writers.db,
          newPosition(jesolo.id, {
            options: [
              { amountCents: 100, dueDate: inDays(5) },
              { amountCents: 100, dueDate: inDays(6) },
            ],
          }),
        ),
      ),
    );
    const notices = created.flatMap((c) => c.options.map((o) => o.noticeNumber));
    expect(notices).toHaveLength(40);
    expect(new Set(notices).size).toBe(40);
    expect(notices.every(isValidNoticeNumber)).toBe(true);
  });

  it('returns the numbers of a rolled-back creation', async () => {
    const next = async () =>
      withTenant(database.db, jesolo.id, (trx) => reserveIuvBases(trx, jesolo.id, '12', 1));
    const first = await next();
    await expect(
      withTenant(database.db, jesolo.id, async (trx) => {
        await reserveIuvBases(trx, jesolo.id, '12', 5);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await next()).toBe(first + 1);
  });
});
