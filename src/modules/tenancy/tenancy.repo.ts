// All SQL of the tenancy area. Reads of the registry of enti are platform-wide (the owner role);
// changes to one ente run in its tenant-scoped transaction, where row-level security also applies.
import type { Kysely, Selectable } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type { PlatformTables } from '../../platform/db/tables.ts';
import type { Ente, EntePatch, EntiTable, Geometry, NewEnte, TenancyTables } from './tenancy.schema.ts';

type Q = Kysely<PlatformTables & TenancyTables>;
const q = (db: AnyDb): Q => (db as Db).withTables<TenancyTables>();

const SUMMARY_COLUMNS = [
  'id',
  'kind',
  'sad_id',
  'slug',
  'name',
  'aggregation_name',
  'istat_code',
  'belfiore_code',
  'fiscal_code',
  'ipa_code',
  'province_code',
  'region',
  'population',
  'population_year',
  'branding',
  'contacts',
  'created_at',
  'updated_at',
] as const;

type Row = Pick<Selectable<EntiTable>, (typeof SUMMARY_COLUMNS)[number]>;

function toEnte(row: Row): Ente {
  return {
    id: row.id,
    kind: row.kind,
    sadId: row.sad_id,
    slug: row.slug,
    name: row.name,
    aggregationName: row.aggregation_name,
    istatCode: row.istat_code,
    belfioreCode: row.belfiore_code,
    fiscalCode: row.fiscal_code,
    ipaCode: row.ipa_code,
    provinceCode: row.province_code,
    region: row.region,
    population: row.population,
    populationYear: row.population_year,
    branding: row.branding ?? {},
    contacts: row.contacts ?? {},
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findBySlug(db: Db, slug: string): Promise<Ente | undefined> {
  const row = await q(db)
    .selectFrom('enti')
    .select(SUMMARY_COLUMNS)
    .where('slug', '=', slug)
    .executeTakeFirst();
  return row && toEnte(row);
}

export async function findById(db: Db | AnyDb, id: string): Promise<Ente | undefined> {
  const row = await q(db).selectFrom('enti').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toEnte(row);
}

export async function findByIstat(db: Db, istatCode: string): Promise<Ente | undefined> {
  const row = await q(db)
    .selectFrom('enti')
    .select(SUMMARY_COLUMNS)
    .where('istat_code', '=', istatCode)
    .executeTakeFirst();
  return row && toEnte(row);
}

export async function findBoundary(db: Db, id: string): Promise<Geometry | null> {
  const row = await q(db).selectFrom('enti').select('boundary').where('id', '=', id).executeTakeFirst();
  return row?.boundary ?? null;
}

export interface ListFilter {
  sadId?: string;
  kind?: 'sad' | 'comune';
  q?: string;
  limit: number;
  offset: number;
}

export async function list(db: Db, filter: ListFilter): Promise<{ items: Ente[]; total: number }> {
  let query = q(db).selectFrom('enti');
  if (filter.sadId) {
    const sadId = filter.sadId;
    query = query.where((eb) => eb.or([eb('sad_id', '=', sadId), eb('id', '=', sadId)]));
  }
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.q) query = query.where('name', 'ilike', `%${filter.q.replace(/[\\%_]/g, '\\$&')}%`);
  const [rows, count] = await Promise.all([
    query
      .select(SUMMARY_COLUMNS)
      .orderBy('kind', 'desc')
      .orderBy('name')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toEnte), total: Number(count.n) };
}

export async function hostsOf(db: Db | AnyDb, enteId: string): Promise<string[]> {
  const rows = await q(db)
    .selectFrom('ente_hosts')
    .select('host')
    .where('ente_id', '=', enteId)
    .orderBy('host')
    .execute();
  return rows.map((r) => r.host);
}

export async function allHosts(db: Db): Promise<{ host: string; slug: string }[]> {
  return q(db)
    .selectFrom('ente_hosts')
    .innerJoin('enti', 'enti.id', 'ente_hosts.ente_id')
    .select(['ente_hosts.host', 'enti.slug'])
    .execute();
}

export async function insertEnte(trx: AnyDb, ente: NewEnte): Promise<Ente> {
  const row = await q(trx)
    .insertInto('enti')
    .values({
      kind: ente.kind,
      sad_id: ente.sadId,
      slug: ente.slug,
      name: ente.name,
      aggregation_name: ente.aggregationName ?? null,
      istat_code: ente.istatCode ?? null,
      belfiore_code: ente.belfioreCode ?? null,
      fiscal_code: ente.fiscalCode ?? null,
      ipa_code: ente.ipaCode ?? null,
      province_code: ente.provinceCode ?? null,
      region: ente.region ?? null,
      population: ente.population ?? null,
      population_year: ente.populationYear ?? null,
      boundary: ente.boundary ? JSON.stringify(ente.boundary) : null,
      branding: JSON.stringify(ente.branding ?? {}),
      contacts: JSON.stringify(ente.contacts ?? {}),
    })
    .returning(SUMMARY_COLUMNS)
    .executeTakeFirstOrThrow();
  if (ente.hosts && ente.hosts.length > 0) {
    await q(trx)
      .insertInto('ente_hosts')
      .values(ente.hosts.map((host) => ({ ente_id: row.id, host })))
      .execute();
  }
  return toEnte(row);
}

/** Updates one ente inside its tenant transaction; returns undefined when the row is not visible. */
export async function updateEnte(trx: AnyDb, id: string, patch: EntePatch): Promise<Ente | undefined> {
  const row = await q(trx)
    .updateTable('enti')
    .set({
      ...(patch.fiscalCode !== undefined ? { fiscal_code: patch.fiscalCode } : {}),
      ...(patch.ipaCode !== undefined ? { ipa_code: patch.ipaCode } : {}),
      ...(patch.branding ? { branding: JSON.stringify(patch.branding) } : {}),
      ...(patch.contacts ? { contacts: JSON.stringify(patch.contacts) } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returning(SUMMARY_COLUMNS)
    .executeTakeFirst();
  return row && toEnte(row);
}

export async function countEnti(db: Db): Promise<number> {
  const row = await q(db)
    .selectFrom('enti')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
