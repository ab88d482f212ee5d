// All SQL of the population registry. Every query is filtered by ente_id (first wall); callers run it in
// the ente's tenant transaction (second wall, row-level security). Bulk inserts send each batch as one
// JSON parameter expanded by json_populate_recordset: no parameter limit, one round trip per table.
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type {
  CitizenshipRow,
  CohabitationRow,
  FamilyBundle,
  FamilyRow,
  MemberRow,
  PersonRow,
  RegistryTables,
  UnionRow,
} from './registry.schema.ts';

const q = (db: AnyDb) => (db as Db).withTables<RegistryTables>() as unknown as Kysely<RegistryTables>;

const PERSON_COLUMNS = [
  'id',
  'fiscal_code',
  'surname',
  'given_name',
  'sex',
  'birth_date',
  'birth_comune_code',
  'birth_comune_name',
  'birth_province',
  'birth_country_code',
  'birth_country_name',
  'civil_status',
  'death_date',
  'aire',
] as const;
type PersonColumns = Omit<PersonRow, 'ente_id'>;

/** Dates come back as ISO strings, never as Date objects shifted by the time zone. */
function selectPersons(db: AnyDb, enteId: string) {
  return q(db)
    .selectFrom('registry_persons')
    .select([
      'id',
      'fiscal_code',
      'surname',
      'given_name',
      'sex',
      sql<string>`birth_date::text`.as('birth_date'),
      'birth_comune_code',
      'birth_comune_name',
      'birth_province',
      'birth_country_code',
      'birth_country_name',
      'civil_status',
      sql<string | null>`death_date::text`.as('death_date'),
      'aire',
    ])
    .where('ente_id', '=', enteId);
}

type Row<T> = Omit<T, 'ente_id'>;

/** Everything the registry holds about one person, as rows (see findSubjectRows). */
export interface SubjectRows {
  subjectId: string;
  family: Row<FamilyRow> | null;
  /** The family's members in the order of the family sheet. */
  members: Row<MemberRow>[];
  /** The most recent first. */
  unions: Row<UnionRow>[];
  cohabitations: Row<CohabitationRow>[];
  /** The person, the family's members and the partners of unions and contracts. */
  persons: PersonColumns[];
  citizenships: Row<CitizenshipRow>[];
}

/**
 * One person by fiscal code with their family and its members, their marriages or civil unions and
 * cohabitation contracts, and every person these name with their citizenships: one statement (this is
 * read for each certificate and each request form). Undefined when the person is not registered.
 */
export async function findSubjectRows(
  db: AnyDb,
  enteId: string,
  fiscalCode: string,
): Promise<SubjectRows | undefined> {
  const subjectId = sql<string>`(select id from subject)`;
  const familyId = sql<string>`(select family_id from membership)`;
  const withSubject = (w: ExpressionBuilder<RegistryTables, 'registry_unions' | 'registry_cohabitations'>) =>
    w.or([w('party1_id', '=', subjectId), w('party2_id', '=', subjectId)]);
  const named = sql<string>`(select id from subject union select person_id from members
    union select party1_id from unions union select party2_id from unions
    union select party1_id from cohabitations union select party2_id from cohabitations)`;
  const subject = q(db)
    .selectFrom('registry_persons')
    .select('id')
    .where('ente_id', '=', enteId)
    .where('fiscal_code', '=', fiscalCode);
  const membership = q(db)
    .selectFrom('registry_family_members')
    .select('family_id')
    .where('ente_id', '=', enteId)
    .where('person_id', '=', subjectId);
  const { rows } = await sql<{ [K in keyof SubjectRows]: SubjectRows[K] | null }>`with
    subject as ${subject},
    membership as ${membership},
    family as ${selectFamilies(db, enteId).where('id', '=', familyId)},
    members as ${selectMembers(db, enteId).where('family_id', '=', familyId)},
    unions as ${selectUnions(db, enteId).where(withSubject)},
    cohabitations as ${selectCohabitations(db, enteId).where(withSubject)},
    persons as ${selectPersons(db, enteId).where('id', 'in', named)},
    citizenships as ${selectCitizenships(db, enteId).where('person_id', 'in', sql<string>`(select id from persons)`)}
    select (select id from subject) as "subjectId",
      (select row_to_json(f) from family f) as family,
      (select json_agg(m order by m.member_order) from members m) as members,
      (select json_agg(u order by u.celebrated_on desc) from unions u) as unions,
      (select json_agg(c order by c.signed_on desc) from cohabitations c) as cohabitations,
      (select json_agg(p) from persons p) as persons,
      (select json_agg(c order by c.person_id, c.state_code) from citizenships c) as citizenships`.execute(
    db,
  );
  const row = rows[0];
  if (!row?.subjectId) return undefined;
  return {
    subjectId: row.subjectId,
    family: row.family,
    members: row.members ?? [],
    unions: row.unions ?? [],
    cohabitations: row.cohabitations ?? [],
    persons: row.persons ?? [],
    citizenships: row.citizenships ?? [],
  };
}

function selectCitizenships(db: AnyDb, enteId: string) {
  return q(db)
    .selectFrom('registry_citizenships')
    .select(['person_id', 'state_code', 'state_name', sql<string | null>`since::text`.as('since')])
    .where('ente_id', '=', enteId);
}

export async function citizenshipsOf(db: AnyDb, enteId: string, personIds: string[]) {
  if (personIds.length === 0) return [];
  return selectCitizenships(db, enteId)
    .where('person_id', 'in', personIds)
    .orderBy('person_id')
    .orderBy('state_code')
    .execute();
}

function selectFamilies(db: AnyDb, enteId: string) {
  return q(db)
    .selectFrom('registry_families')
    .select([
      'id',
      'family_code',
      'aire',
      'street',
      'civic_number',
      'postal_code',
      'locality',
      'country_code',
      'country_name',
      sql<string | null>`established_on::text`.as('established_on'),
    ])
    .where('ente_id', '=', enteId);
}

function selectMembers(db: AnyDb, enteId: string) {
  return q(db)
    .selectFrom('registry_family_members')
    .select([
      'person_id',
      'family_id',
      'relationship_code',
      'member_order',
      sql<string | null>`since::text`.as('since'),
    ])
    .where('ente_id', '=', enteId);
}

function selectUnions(db: AnyDb, enteId: string) {
  return q(db)
    .selectFrom('registry_unions')
    .select([
      'id',
      'kind',
      'party1_id',
      'party2_id',
      sql<string>`celebrated_on::text`.as('celebrated_on'),
      'place_code',
      'place_name',
      sql<string | null>`ended_on::text`.as('ended_on'),
      'end_reason',
    ])
    .where('ente_id', '=', enteId);
}

function selectCohabitations(db: AnyDb, enteId: string) {
  return q(db)
    .selectFrom('registry_cohabitations')
    .select([
      'id',
      'party1_id',
      'party2_id',
      sql<string>`signed_on::text`.as('signed_on'),
      sql<string>`registered_on::text`.as('registered_on'),
      sql<string | null>`ended_on::text`.as('ended_on'),
    ])
    .where('ente_id', '=', enteId);
}

/**
 * Refreshes the planner's statistics of the registry's tables after a bulk load (PostgreSQL's advice):
 * until autovacuum gets to them, plans made for nearly empty tables would scan whole comuni. Best effort:
 * the load is complete either way, so a failure here only returns false.
 */
export async function analyzeTables(db: AnyDb): Promise<boolean> {
  try {
    await sql`analyze ${sql.join(Object.keys(TABLE_COLUMNS).map((table) => sql.table(table)))}`.execute(db);
    return true;
  } catch {
    return false;
  }
}

export async function countPersons(db: AnyDb, enteId: string): Promise<number> {
  const row = await q(db)
    .selectFrom('registry_persons')
    .select((s) => s.fn.countAll<number>().as('n'))
    .where('ente_id', '=', enteId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const TABLE_COLUMNS = {
  registry_persons: ['ente_id', ...PERSON_COLUMNS],
  registry_citizenships: ['ente_id', 'person_id', 'state_code', 'state_name', 'since'],
  registry_families: [
    'ente_id',
    'id',
    'family_code',
    'aire',
    'street',
    'civic_number',
    'postal_code',
    'locality',
    'country_code',
    'country_name',
    'established_on',
  ],
  registry_family_members: [
    'ente_id',
    'person_id',
    'family_id',
    'relationship_code',
    'member_order',
    'since',
  ],
  registry_unions: [
    'ente_id',
    'id',
    'kind',
    'party1_id',
    'party2_id',
    'celebrated_on',
    'place_code',
    'place_name',
    'ended_on',
    'end_reason',
  ],
  registry_cohabitations: [
    'ente_id',
    'id',
    'party1_id',
    'party2_id',
    'signed_on',
    'registered_on',
    'ended_on',
  ],
} as const satisfies { [T in keyof RegistryTables]: readonly string[] };

export async function insertJson(db: AnyDb, table: keyof RegistryTables, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = sql.join(TABLE_COLUMNS[table].map((c) => sql.ref(c)));
  await sql`insert into ${sql.table(table)} (${columns})
    select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`.execute(
    db,
  );
}

/** The tables of a family bundle, in insertion order: persons first, then what refers to them. */
const BUNDLE_PARTS = [
  ['registry_persons', 'persons'],
  ['registry_citizenships', 'citizenships'],
  ['registry_families', 'family'],
  ['registry_family_members', 'members'],
  ['registry_unions', 'unions'],
  ['registry_cohabitations', 'cohabitations'],
] as const;

/** Inserts whole families: persons first, then what refers to them. */
export async function insertBundles(db: AnyDb, bundles: FamilyBundle[]): Promise<void> {
  for (const [table, part] of BUNDLE_PARTS) {
    await insertJson(
      db,
      table,
      bundles.flatMap<object>((b) => b[part]),
    );
  }
}

// Bulk reads and writes of the registry import (registry-import-apply.ts): many records at once.

export async function findPersonsByFiscalCodes(db: AnyDb, enteId: string, codes: string[]) {
  return codes.length === 0 ? [] : selectPersons(db, enteId).where('fiscal_code', 'in', codes).execute();
}

export async function findFamiliesByCodes(db: AnyDb, enteId: string, codes: string[]) {
  return codes.length === 0 ? [] : selectFamilies(db, enteId).where('family_code', 'in', codes).execute();
}

/** The memberships of these persons and every member of these families. */
export async function membersOf(db: AnyDb, enteId: string, personIds: string[], familyIds: string[]) {
  if (personIds.length === 0 && familyIds.length === 0) return [];
  return selectMembers(db, enteId)
    .where((w) =>
      w.or([
        ...(personIds.length > 0 ? [w('person_id', 'in', personIds)] : []),
        ...(familyIds.length > 0 ? [w('family_id', 'in', familyIds)] : []),
      ]),
    )
    .execute();
}

/** Marriages and civil unions with one of these persons as a party. */
export async function unionsAmong(db: AnyDb, enteId: string, personIds: string[]) {
  if (personIds.length === 0) return [];
  return selectUnions(db, enteId)
    .where((w) => w.or([w('party1_id', 'in', personIds), w('party2_id', 'in', personIds)]))
    .execute();
}

/** Cohabitation contracts with one of these persons as a party. */
export async function cohabitationsAmong(db: AnyDb, enteId: string, personIds: string[]) {
  if (personIds.length === 0) return [];
  return selectCohabitations(db, enteId)
    .where((w) => w.or([w('party1_id', 'in', personIds), w('party2_id', 'in', personIds)]))
    .execute();
}

/** Updates rows by (ente_id, id): every column of the table from the given rows. */
export async function updateJson(
  db: AnyDb,
  table: 'registry_persons' | 'registry_families' | 'registry_unions' | 'registry_cohabitations',
  rows: object[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = TABLE_COLUMNS[table].filter((c) => c !== 'ente_id' && c !== 'id');
  await sql`update ${sql.table(table)} t
    set ${sql.join(columns.map((c) => sql`${sql.ref(c)} = j.${sql.ref(c)}`))}
    from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json) j
    where t.ente_id = j.ente_id and t.id = j.id`.execute(db);
}

/** Removes these persons' citizenships or family memberships (the import writes them anew). */
export async function deleteOfPersons(
  db: AnyDb,
  table: 'registry_citizenships' | 'registry_family_members',
  enteId: string,
  personIds: string[],
): Promise<void> {
  if (personIds.length === 0) return;
  await q(db).deleteFrom(table).where('ente_id', '=', enteId).where('person_id', 'in', personIds).execute();
}
