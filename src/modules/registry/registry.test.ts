import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, type TestDatabase, testDatabase } from '../../../test/support.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { PopulationExistsError, seedPopulation, seedPopulationDemo } from './population.seed.ts';
import { isSelfOrFamily, localRegistry, type RegistrySource } from './registry.service.ts';

let database: TestDatabase;
let jesolo: string;
let caorle: string;
let registry: RegistrySource;
let seeded: Awaited<ReturnType<typeof seedPopulation>>;

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await enteId(database, 'jesolo');
  caorle = await enteId(database, 'caorle');
  seeded = await seedPopulation(database.db, {
    enteId: jesolo,
    istatCode: '027019',
    size: 400,
    batchSize: 150,
  });
  await seedPopulation(database.db, { enteId: caorle, istatCode: '027005', size: 50 });
  registry = localRegistry(database.db);
});
afterAll(() => database.close());

describe('population seed', () => {
  it('stores the requested number of people in batches, and refuses to seed twice', async () => {
    expect(seeded.persons).toBe(400);
    const rows = await sql<{
      n: number;
    }>`select count(*)::int as n from registry_persons where ente_id = ${jesolo}`.execute(database.db);
    expect(rows.rows[0]!.n).toBe(400);
    await expect(
      seedPopulation(database.db, { enteId: jesolo, istatCode: '027019', size: 10 }),
    ).rejects.toBeInstanceOf(PopulationExistsError);
  });
});

describe('demo seed', () => {
  it('puts each demo citizen in the registry of their comune, once', async () => {
    const sad = await enteId(database, 'cm-venezia');
    // Jesolo is seeded already (left alone); Mirano, Venezia and Portogruaro get their demo families.
    expect(await seedPopulationDemo(database.db, sad)).toBe(3);
    expect(await seedPopulationDemo(database.db, sad)).toBe(0);
    const portogruaro = await enteId(database, 'portogruaro');
    expect((await registry.findPerson(portogruaro, 'RSSPLA75D05G91QD'))?.surname).toBe('Rossato');
    const venezia = await enteId(database, 'venezia');
    expect((await registry.findPerson(venezia, 'BNLMNA92A57Z330B'))?.birthPlace).toEqual({
      kind: 'abroad',
      code: 'Z330',
      country: 'Marocco',
    });
  });
});

describe('local registry source', () => {
  it('finds a demo citizen by fiscal code with birth place and citizenship', async () => {
    const giulia = await registry.findPerson(jesolo, 'zntgli84c52l736w');
    expect(giulia).toMatchObject({
      fiscalCode: 'ZNTGLI84C52L736W',
      surname: 'Zanetti',
      givenName: 'Giulia',
      sex: 'F',
      birthDate: '1984-03-12',
      birthPlace: { kind: 'comune', code: 'L736', name: 'Venezia', province: 'VE' },
      citizenships: [{ stateCode: '100', stateName: 'Italia' }],
      civilStatus: 2,
      aire: false,
    });
    expect(await registry.findPerson(jesolo, 'RSSMRA85T10A562S')).toBeNull();
  });

  it("returns the person's family with address and relationships, the head first", async () => {
    const family = await registry.findFamily(jesolo, 'ZNTSFO12H65L736X');
    expect(family?.address).toMatchObject({ street: 'Via Bafile', civicNumber: '12', locality: 'Jesolo' });
    expect(family?.members.map((m) => [m.person.givenName, m.relationshipLabel])).toEqual([
      ['Giulia', 'intestatario scheda'],
      ['Marco', 'marito'],
      ['Sofia', 'figlia'],
    ]);
  });

  it('returns the marriage seen from either spouse', async () => {
    const [fromGiulia] = await registry.findUnions(jesolo, 'ZNTGLI84C52L736W');
    const [fromMarco] = await registry.findUnions(jesolo, 'ZNTMRC81S02C388P');
    expect(fromGiulia).toMatchObject({ kind: 'marriage', partner: { fiscalCode: 'ZNTMRC81S02C388P' } });
    expect(fromMarco).toMatchObject({ id: fromGiulia!.id, partner: { fiscalCode: 'ZNTGLI84C52L736W' } });
    expect(fromGiulia!.celebratedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await registry.findUnions(jesolo, 'ZNTSFO12H65L736X')).toEqual([]);
  });

  it('returns a cohabitation contract from both partners', async () => {
    const row = await sql<{ a: string; b: string }>`
      select p1.fiscal_code as a, p2.fiscal_code as b from registry_cohabitations c
      join registry_persons p1 on p1.ente_id = c.ente_id and p1.id = c.party1_id
      join registry_persons p2 on p2.ente_id = c.ente_id and p2.id = c.party2_id
      where c.ente_id = ${jesolo} limit 1`.execute(database.db);
    const { a, b } = row.rows[0]!;
    const [contract] = await registry.findCohabitations(jesolo, a);
    expect(contract?.partner.fiscalCode).toBe(b);
    expect((await registry.findCohabitations(jesolo, b))[0]?.id).toBe(contract!.id);
  });

  it('lists unions the most recent first and citizenships by state code', async () => {
    // Two people of Jesolo outside the demo family: an ended marriage, then a civil union, and a second
    // citizenship whose code sorts before the first.
    const pair = await sql<{ id: string; fiscal_code: string }>`
      select id, fiscal_code from registry_persons
      where ente_id = ${jesolo} and surname <> 'Zanetti' and id not in (
        select party1_id from registry_unions where ente_id = ${jesolo}
        union select party2_id from registry_unions where ente_id = ${jesolo})
      order by fiscal_code limit 2`.execute(database.db);
    const [a, b] = pair.rows as [{ id: string; fiscal_code: string }, { id: string; fiscal_code: string }];
    await sql`insert into registry_unions
        (ente_id, id, kind, party1_id, party2_id, celebrated_on, place_code, place_name, ended_on, end_reason)
      values (${jesolo}, gen_random_uuid(), 'marriage', ${a.id}, ${b.id}, '1999-05-08', 'C388', 'Jesolo',
          '2004-02-01', 'divorce'),
        (${jesolo}, gen_random_uuid(), 'civil_union', ${b.id}, ${a.id}, '2017-09-16', 'L736', 'Venezia',
          null, null)`.execute(database.db);
    await sql`insert into registry_citizenships (ente_id, person_id, state_code, state_name)
      values (${jesolo}, ${a.id}, '087', 'Albania') on conflict do nothing`.execute(database.db);
    const subject = (await registry.findSubject(jesolo, a.fiscal_code))!;
    expect(subject.unions.map((u) => [u.kind, u.celebratedOn, u.partner.fiscalCode])).toEqual([
      ['civil_union', '2017-09-16', b.fiscal_code],
      ['marriage', '1999-05-08', b.fiscal_code],
    ]);
    const codes = subject.person.citizenships.map((c) => c.stateCode);
    expect(codes[0]).toBe('087');
    expect(codes).toEqual([...codes].sort());
    expect(codes.length).toBeGreaterThan(1);
  });

  it('tells whether a subject is oneself or in the registered family', async () => {
    const subject = (fiscalCode: string) => registry.findSubject(jesolo, fiscalCode);
    expect(isSelfOrFamily(await subject('ZNTSFO12H65L736X'), 'ZNTGLI84C52L736W')).toBe(true);
    expect(isSelfOrFamily(await subject('ZNTGLI84C52L736W'), 'zntgli84c52l736w')).toBe(true);
    expect(isSelfOrFamily(await subject('ZNTGLI84C52L736Z'), 'ZNTGLI84C52L736W')).toBe(false);
    const stranger = await sql<{ fiscal_code: string }>`
      select fiscal_code from registry_persons where ente_id = ${jesolo} and surname <> 'Zanetti' limit 1`.execute(
      database.db,
    );
    expect(isSelfOrFamily(await subject(stranger.rows[0]!.fiscal_code), 'ZNTGLI84C52L736W')).toBe(false);
  });
});

describe('tenant isolation', () => {
  it("keeps one comune's registry out of another's reach", async () => {
    // The Zanetti live in Jesolo: asked through Caorle, the registry knows nothing of them.
    expect(await registry.findPerson(caorle, 'ZNTGLI84C52L736W')).toBeNull();
    expect(await registry.findFamily(caorle, 'ZNTGLI84C52L736W')).toBeNull();
    await withTenant(database.db, caorle, async (trx) => {
      for (const table of [
        'registry_persons',
        'registry_families',
        'registry_family_members',
        'registry_unions',
      ]) {
        const rows = await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.table(table)} where ente_id = ${jesolo}`.execute(trx);
        expect(rows.rows[0]!.n, table).toBe(0);
      }
      const own = await sql<{ n: number }>`select count(*)::int as n from registry_persons`.execute(trx);
      expect(own.rows[0]!.n).toBe(50);
    });
    await expect(
      withTenant(database.db, caorle, (trx) =>
        sql`update registry_persons set surname = 'X' where ente_id = ${jesolo}`.execute(trx),
      ),
    ).resolves.toMatchObject({ numAffectedRows: 0n });
    await expect(
      withTenant(database.db, caorle, (trx) =>
        sql`insert into registry_families (ente_id, id, family_code, street, locality)
            values (${jesolo}, gen_random_uuid(), '999999', 'Via Roma', 'Jesolo')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});
