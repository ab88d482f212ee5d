// The registry import against a real database: a generated population imported from CSV and from JSON
// lands as the generator made it (read back through localRegistry); the same file again changes nothing;
// changed data update the person; each bad value and each broken reference is reported with row and
// column while the good records land; the job works in steps; one ente's import never touches another's.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, type TestDatabase, testDatabase } from '../../../test/support.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import type { JobRow } from '../../platform/jobs/jobs.ts';
import type { FamilyBundle } from './registry.schema.ts';
import { localRegistry, type RegistrySource } from './registry.service.ts';
import { bundleRecords, csvFile, jsonFile, population } from './registry-import.test-support.ts';
import {
  importErrors,
  importOf,
  importsOf,
  runImportStep,
  runRegistryImport,
  startRegistryImport,
} from './registry-import.ts';

let database: TestDatabase;
let jesolo: string;
let caorle: string;
let registry: RegistrySource;
const people = population('027019', 120);
const records = bundleRecords(people);

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await enteId(database, 'jesolo');
  caorle = await enteId(database, 'caorle');
  registry = localRegistry(database.db);
});
afterAll(() => database.close());

/** Uploads and runs an import to the end, as the job would; returns its summary and errors. */
async function importFile(ente: string, bytes: Buffer, name = 'anagrafe.csv') {
  const started = await startRegistryImport(database.db, { subject: 'op-anagrafe' }, ente, { name, bytes });
  if (!('importId' in started)) throw new Error(JSON.stringify(started.problem));
  await runRegistryImport(database.db, ente, started.importId, { chunk: 50 });
  const summary = (await importOf(database.db, ente, started.importId))!;
  const errors = await importErrors(database.db, ente, started.importId, 1000);
  const { rows } = await sql<{ format: string }>`select format from registry_imports
    where id = ${started.importId}`.execute(database.db);
  return {
    summary,
    format: rows[0]?.format,
    errors: errors.flatMap((e) => e.issues.map((i) => `${e.label}:${i.field}:${i.rule}`)),
  };
}

const count = async (table: string, ente: string) =>
  Number(
    (
      await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ente_id = ${ente}`.execute(
        database.db,
      )
    ).rows[0]!.n,
  );
const TABLES = [
  'registry_persons',
  'registry_citizenships',
  'registry_families',
  'registry_family_members',
  'registry_unions',
  'registry_cohabitations',
];
/** Everything the registry holds for an ente, as text: equal snapshots mean nothing changed. */
const snapshot = (ente: string) =>
  Promise.all(
    TABLES.map(async (table) =>
      (
        await sql<{
          r: string;
        }>`select t::text as r from ${sql.table(table)} t where ente_id = ${ente} order by 1`.execute(
          database.db,
        )
      ).rows.map((row) => row.r),
    ),
  );

/** How many times the persons' table was analysed (statistics for the planner). */
const analyses = async () =>
  Number(
    (
      await sql<{ n: number }>`select analyze_count as n from pg_stat_user_tables
        where relname = 'registry_persons'`.execute(database.db)
    ).rows[0]!.n,
  );

/** The generated data and what the registry gives back for one family. */
async function expectFamilyLanded(ente: string, bundle: FamilyBundle) {
  const head = bundle.persons[0]!;
  const family = await registry.findFamily(ente, head.fiscal_code);
  expect(family?.familyCode).toBe(bundle.family.family_code);
  expect(family?.address).toMatchObject({ street: bundle.family.street, locality: bundle.family.locality });
  expect(family?.members.map((m) => [m.person.fiscalCode, m.relationship])).toEqual(
    bundle.members.map((m) => [
      bundle.persons.find((p) => p.id === m.person_id)!.fiscal_code,
      m.relationship_code,
    ]),
  );
  const person = await registry.findPerson(ente, head.fiscal_code);
  expect(person).toMatchObject({
    surname: head.surname,
    givenName: head.given_name,
    sex: head.sex,
    birthDate: head.birth_date,
    civilStatus: head.civil_status,
    aire: head.aire,
  });
  expect(person?.birthPlace.code).toBe(head.birth_comune_code ?? head.birth_country_code);
  expect(person?.citizenships.map((c) => c.stateCode).sort()).toEqual(
    bundle.citizenships
      .filter((c) => c.person_id === head.id)
      .map((c) => c.state_code)
      .sort(),
  );
}

describe('importing a population', () => {
  it('lands every record of a CSV file, families before their members whatever the order', async () => {
    const analysed = await analyses();
    const { summary, format, errors } = await importFile(jesolo, csvFile(records));
    // The planner's statistics are refreshed after the bulk load.
    expect(await analyses()).toBeGreaterThan(analysed);
    expect(errors).toEqual([]);
    expect(format).toBe('csv');
    expect(summary).toMatchObject({ status: 'done', rowsTotal: records.length });
    expect(summary.counts).toMatchObject({ created: records.length, error: 0, queued: 0 });
    expect(await count('registry_persons', jesolo)).toBe(120);
    expect(await count('registry_families', jesolo)).toBe(people.length);
    expect(await count('registry_unions', jesolo)).toBe(people.flatMap((b) => b.unions).length);
    expect(await count('registry_cohabitations', jesolo)).toBe(people.flatMap((b) => b.cohabitations).length);
    for (const bundle of people.filter((b) => b.persons.length >= 3).slice(0, 5)) {
      await expectFamilyLanded(jesolo, bundle);
    }
    const married = people.find((b) => b.unions.length > 0)!;
    const [union] = await registry.findUnions(jesolo, married.persons[0]!.fiscal_code);
    expect(union).toMatchObject({
      kind: married.unions[0]!.kind,
      celebratedOn: married.unions[0]!.celebrated_on,
      place: { code: married.unions[0]!.place_code },
    });
    const cohabiting = people.find((b) => b.cohabitations.length > 0);
    if (cohabiting) {
      const [contract] = await registry.findCohabitations(jesolo, cohabiting.persons[0]!.fiscal_code);
      expect(contract?.signedOn).toBe(cohabiting.cohabitations[0]!.signed_on);
    }
    const abroad = people.find((b) => b.family.aire);
    if (abroad) expect((await registry.findPerson(jesolo, abroad.persons[0]!.fiscal_code))?.aire).toBe(true);
  });

  it('changes and imports nothing when the same file comes again', async () => {
    const before = await snapshot(jesolo);
    const { summary } = await importFile(jesolo, csvFile(records));
    expect(summary.counts).toMatchObject({ created: 0, updated: 0, unchanged: records.length, error: 0 });
    expect(await snapshot(jesolo)).toEqual(before);
  });

  it('updates a person whose data changed, and only them', async () => {
    const bundle = people.find((b) => b.persons.length >= 3)!;
    const child = bundle.persons[2]!;
    const changed = records.map((r) =>
      r.codice_fiscale === child.fiscal_code && r.tipo === 'persona'
        ? { ...r, cognome: 'Nuovocognome', stato_civile: '2', cittadinanza_2: '201', ordine: '9' }
        : r,
    );
    const { summary } = await importFile(jesolo, csvFile(changed));
    expect(summary.counts).toMatchObject({ created: 0, updated: 1, unchanged: records.length - 1 });
    const person = await registry.findPerson(jesolo, child.fiscal_code);
    expect(person).toMatchObject({ surname: 'Nuovocognome', civilStatus: 2 });
    expect(person?.citizenships.map((c) => c.stateName)).toEqual(['Italia', 'Albania']);
    const family = await registry.findFamily(jesolo, child.fiscal_code);
    expect(family?.members.at(-1)?.person.fiscalCode).toBe(child.fiscal_code);
    expect(await count('registry_persons', jesolo)).toBe(120);
  });

  it('lands a JSON document the same way, in another ente, leaving the first alone', async () => {
    const before = await snapshot(jesolo);
    const others = population('027005', 40, 'caorle');
    const { summary, format, errors } = await importFile(
      caorle,
      jsonFile(bundleRecords(others)),
      'anagrafe.json',
    );
    expect(errors).toEqual([]);
    expect(format).toBe('json');
    expect(summary).toMatchObject({ status: 'done' });
    expect(summary.counts.created).toBe(summary.rowsTotal);
    expect(await count('registry_persons', caorle)).toBe(40);
    await expectFamilyLanded(caorle, others.find((b) => b.persons.length >= 2)!);
    expect(await snapshot(jesolo)).toEqual(before);
    expect(await registry.findPerson(jesolo, others[0]!.persons[0]!.fiscal_code)).toBeNull();
  });
});

describe('records with errors', () => {
  const H = (cells: Record<string, string>) => cells;
  const family = H({ tipo: 'famiglia', codice_famiglia: '900', indirizzo: 'Via Roma', localita: 'Jesolo' });
  const person = (cf: string, cells: Record<string, string> = {}) =>
    H({
      tipo: 'persona',
      codice_fiscale: cf,
      cognome: 'Tonon',
      nome: 'Davide',
      sesso: 'M',
      data_nascita: '17/06/1988',
      luogo_nascita: 'C388',
      stato_civile: '1',
      cittadinanza_1: '100',
      ...cells,
    });
  const head = people[0]!.persons[0]!.fiscal_code;

  it('reports each with row and column, and imports the good ones', async () => {
    const file = [
      family, // row 2
      person('TNNDVD88H17C388F', { codice_famiglia: '900', relazione_parentela: '1' }), // 3: good
      person('FVRMRT90A49L407J', {
        nome: 'Marta',
        sesso: 'F',
        data_nascita: '09/01/1990',
        luogo_nascita: 'L407',
        codice_famiglia: '900',
        relazione_parentela: '23',
      }), // 4: good
      person('BRTLCU79C14C388X'), // 5: check character
      person('BRTLCU79C14C388O', { data_nascita: '31/02/1979' }), // 6: date
      person('RSSNNA92D43C388S', { codice_famiglia: '901', relazione_parentela: '3' }), // 7: no such family
      person('ZNNCHR81S42L736X', { codice_famiglia: '900', relazione_parentela: '1' }), // 8: second head
      person('TNNDVD88H17C388F'), // 9: repeats row 3
      H({
        tipo: 'matrimonio',
        codice_fiscale: 'TNNDVD88H17C388F',
        codice_fiscale_2: 'PVNSRG50M30Z112M',
        data_celebrazione: '2020-06-01',
        luogo_celebrazione: 'C388',
      }), // 10: unknown party
      H({
        tipo: 'convivenza',
        codice_fiscale: 'TNNDVD88H17C388F',
        codice_fiscale_2: 'FVRMRT90A49L407J',
        data_stipula: '2019-03-01',
        data_registrazione: '2019-03-08',
      }), // 11: good
      H({
        tipo: 'matrimonio',
        codice_fiscale: head,
        codice_fiscale_2: 'FVRMRT90A49L407J',
        data_celebrazione: '2021-06-01',
        luogo_celebrazione: 'X000',
      }), // 12: place
      H({ tipo: 'divorzio', codice_fiscale: head }), // 13: kind
    ];
    const { summary, errors } = await importFile(jesolo, csvFile(file));
    expect(errors).toEqual([
      '5:codice_fiscale:fiscalCode',
      '6:data_nascita:date',
      '7:codice_famiglia:familyUnknown',
      '8:relazione_parentela:headTaken',
      '9:codice_fiscale:duplicate',
      '10:codice_fiscale_2:personUnknown',
      '12:luogo_celebrazione:place',
      '13:tipo:kind',
    ]);
    expect(summary.counts).toMatchObject({ created: 4, error: 8 });
    const family900 = await registry.findFamily(jesolo, 'FVRMRT90A49L407J');
    expect(family900?.members.map((m) => [m.person.givenName, m.relationship])).toEqual([
      ['Davide', 1],
      ['Marta', 23],
    ]);
    expect((await registry.findCohabitations(jesolo, 'FVRMRT90A49L407J'))[0]?.registeredOn).toBe(
      '2019-03-08',
    );
    expect(await registry.findPerson(jesolo, 'BRTLCU79C14C388O')).toBeNull();
    const repeated = (await importErrors(database.db, jesolo, summary.id, 100)).find(
      (r) => r.rowNumber === 9,
    );
    expect(repeated?.issues).toEqual([{ field: 'codice_fiscale', rule: 'duplicate', other: '3' }]);
  });

  it('reports a record the database refuses, alone, and imports the others of its chunk', async () => {
    // A rule the checks do not know, as a database constraint: the chunk fails, then goes record by record.
    await sql`alter table registry_persons add constraint test_refused check (surname <> 'Rifiutato')`.execute(
      database.db,
    );
    try {
      const file = [
        person('RFTMRC70A01C388Z', { cognome: 'Rifiutato', nome: 'Marco', data_nascita: '01/01/1970' }),
        person('BNCLRA85M41C388P', {
          cognome: 'Bianco',
          nome: 'Laura',
          sesso: 'F',
          data_nascita: '01/08/1985',
        }),
      ];
      const { summary, errors } = await importFile(jesolo, csvFile(file));
      expect(errors).toEqual(['2:riga:unexpected']);
      expect(summary.counts).toMatchObject({ created: 1, error: 1 });
    } finally {
      await sql`alter table registry_persons drop constraint test_refused`.execute(database.db);
    }
  });
});

describe('the import job', () => {
  it('works in steps, each resuming where the last stopped, and audits start and end with counts only', async () => {
    const started = await startRegistryImport(database.db, { subject: 'op-anagrafe' }, jesolo, {
      name: 'passi.csv',
      bytes: csvFile(records),
    });
    if (!('importId' in started)) throw new Error('not started');
    const job = { ente_id: jesolo, payload: { importId: started.importId, step: 0 } } as unknown as JobRow;
    await runImportStep(database.db, job, 0, 40); // no time at all: one chunk per step
    const halfway = (await importOf(database.db, jesolo, started.importId))!;
    expect(halfway.status).toBe('running');
    expect(halfway.counts.queued).toBe(records.length - 40);
    const next = await sql<{ n: number }>`select count(*) as n from jobs where ente_id = ${jesolo}
      and queue = 'registry.import' and idempotency_key = ${`${started.importId}:1`}`.execute(database.db);
    expect(Number(next.rows[0]!.n)).toBe(1);
    await runImportStep(database.db, { ...job, payload: { importId: started.importId, step: 1 } } as JobRow);
    const done = (await importOf(database.db, jesolo, started.importId))!;
    expect(done).toMatchObject({ status: 'done' });
    expect(done.counts.queued).toBe(0);
    const audit = await sql<{ action: string; content: unknown }>`select action, content from audit_events
      where ente_id = ${jesolo} and target_id = ${started.importId} order by seq`.execute(database.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['registry.import.start', 'registry.import.finish']);
    const text = JSON.stringify(audit.rows.map((r) => r.content));
    expect(text).not.toMatch(/[A-Z]{6}\d{2}/); // no fiscal code
    expect(text).not.toContain('passi.csv');
    const kinds: Record<string, number> = {};
    for (const r of records) kinds[r.tipo!] = (kinds[r.tipo!] ?? 0) + 1;
    expect(audit.rows[0]!.content).toEqual({ format: 'csv', rows: records.length, kinds });
    // The original file again: the person changed above gets their data back, nothing else moves.
    expect(audit.rows[1]!.content).toEqual({
      created: 0,
      updated: 1,
      unchanged: records.length - 1,
      errors: 0,
    });
  });

  it("keeps an ente's import records out of another ente's transactions", async () => {
    for (const table of ['registry_imports', 'registry_import_rows']) {
      expect(await count(table, jesolo)).toBeGreaterThan(0);
      const seen = await withTenant(database.db, caorle, (trx) =>
        sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ente_id = ${jesolo}`.execute(
          trx,
        ),
      );
      expect(Number(seen.rows[0]!.n)).toBe(0);
    }
    await expect(
      withTenant(database.db, caorle, (trx) =>
        sql`insert into registry_imports (ente_id, file_name, file_sha256, format, rows_total, created_by)
          values (${jesolo}, 'x.csv', ${'0'.repeat(64)}, 'csv', 1, 'intruder')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
    const [own] = await importsOf(database.db, jesolo);
    expect(own).toBeDefined();
    expect(await importOf(database.db, caorle, own!.id)).toBeUndefined();
    expect(await importErrors(database.db, caorle, own!.id, 10)).toEqual([]);
  });
});
