// SQL of the ente's certificate settings (migration 0015): the stamp-duty authorisation and the coat of
// arms, the ente's current seal (certificate_seals, 0013) when an administrator configures one, and the
// history of its seal certificates. Writes run in the ente's tenant transaction; the lookup of the enti a
// seal certificate belongs to (public verification) is platform-wide, like certificates.repo's.
import { type Kysely, sql } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type { CertificatesTables, SealRow } from './certificates.repo.ts';

export interface SettingsRow {
  ente_id: string;
  stamp_office: string | null;
  stamp_authorisation_number: string | null;
  /** yyyy-mm-dd (read as text: a date has no time zone). */
  stamp_authorisation_date: string | null;
  emblem: Buffer | null;
  emblem_type: 'image/png' | 'image/jpeg' | null;
  updated_at?: Date;
}

export interface SealHistoryRow {
  ente_id: string;
  fingerprint: string;
  kind: SealRow['kind'];
  cert_pem: string;
  in_use_from: Date;
  in_use_to: Date | null;
}

type Tables = CertificatesTables & {
  certificate_settings: SettingsRow;
  certificate_seal_history: Omit<SealHistoryRow, 'in_use_from'> & { in_use_from?: Date };
};

const q = (db: AnyDb) => (db as Db).withTables<Tables>() as unknown as Kysely<Tables>;

export async function findSettings(db: AnyDb, enteId: string): Promise<SettingsRow | undefined> {
  const row = await q(db)
    .selectFrom('certificate_settings')
    .select([
      'ente_id',
      'stamp_office',
      'stamp_authorisation_number',
      sql<string | null>`stamp_authorisation_date::text`.as('stamp_authorisation_date'),
      'emblem',
      'emblem_type',
      'updated_at',
    ])
    .where('ente_id', '=', enteId)
    .executeTakeFirst();
  return row && { ...row, emblem: row.emblem ? Buffer.from(row.emblem) : null };
}

type SettingsChange = Partial<Omit<SettingsRow, 'ente_id' | 'updated_at'>>;

/** Sets some settings of the ente, creating its row the first time. */
export async function updateSettings(db: AnyDb, enteId: string, change: SettingsChange): Promise<void> {
  await q(db)
    .insertInto('certificate_settings')
    .values({
      ente_id: enteId,
      stamp_office: null,
      stamp_authorisation_number: null,
      stamp_authorisation_date: null,
      emblem: null,
      emblem_type: null,
      ...change,
    })
    .onConflict((oc) => oc.column('ente_id').doUpdateSet({ ...change, updated_at: sql`now()` }))
    .execute();
}

/** The ente's seal becomes `row` (kind 'configured'), replacing any earlier one. */
export async function replaceSeal(db: AnyDb, row: SealRow): Promise<void> {
  const { ente_id: _key, ...rest } = row;
  await q(db)
    .insertInto('certificate_seals')
    .values(row)
    .onConflict((oc) => oc.column('ente_id').doUpdateSet({ ...rest, created_at: sql`now()` }))
    .execute();
}

/**
 * Records `cert` as the ente's seal in use from now on: the one in use so far ends now. A certificate
 * used before (uploaded again, e.g. with a new passphrase) is in use again. Without `replace` (a test
 * seal made on first use) nothing is recorded when the ente already has a seal in use.
 */
export async function recordSealInUse(
  db: AnyDb,
  entry: Pick<SealHistoryRow, 'ente_id' | 'fingerprint' | 'kind' | 'cert_pem'>,
  replace: boolean,
): Promise<void> {
  if (!replace) {
    await q(db)
      .insertInto('certificate_seal_history')
      .values({ ...entry, in_use_to: null })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return;
  }
  await q(db)
    .updateTable('certificate_seal_history')
    .set({ in_use_to: sql`now()` })
    .where('ente_id', '=', entry.ente_id)
    .where('in_use_to', 'is', null)
    .where('fingerprint', '<>', entry.fingerprint)
    .execute();
  await q(db)
    .insertInto('certificate_seal_history')
    .values({ ...entry, in_use_to: null })
    .onConflict((oc) =>
      oc.columns(['ente_id', 'fingerprint']).doUpdateSet({ kind: entry.kind, in_use_to: null }),
    )
    .execute();
}

/** The ente's seal certificates, the one in use first, then the most recent. */
export async function sealHistory(db: AnyDb, enteId: string): Promise<SealHistoryRow[]> {
  return (await q(db)
    .selectFrom('certificate_seal_history')
    .selectAll()
    .where('ente_id', '=', enteId)
    .orderBy(sql`in_use_to is null`, 'desc')
    .orderBy('in_use_from', 'desc')
    .execute()) as SealHistoryRow[];
}

/** The enti that have had this seal certificate: ids only, read outside any tenant. */
export async function entiSealedWith(db: Db, fingerprint: string): Promise<string[]> {
  const rows = await q(db)
    .selectFrom('certificate_seal_history')
    .select('ente_id')
    .where('fingerprint', '=', fingerprint)
    .limit(50)
    .execute();
  return rows.map((r) => r.ente_id);
}
