// SQL of registry imports (migrations/0016_registry_import.sql): the upload, its records and their
// outcomes; the reads every import shares come from the platform (import-jobs.repo.ts). Every query is
// filtered by ente_id; writes run in the ente's tenant transaction. Bulk writes send one JSON parameter
// per batch, as registry.repo.ts does.
import { type ColumnType, type Generated, type Kysely, sql } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import {
  type ImportStatus,
  importJobs,
  type ImportSummary as PlatformImportSummary,
} from '../../platform/imports/import-jobs.repo.ts';
import type { ImportRecord } from './registry-import-file.ts';
import type { RowIssue } from './registry-import-rows.ts';

type Json<T> = ColumnType<T, string, string>;
export type RowOutcome = 'queued' | 'created' | 'updated' | 'unchanged' | 'error';
export type Settled = { rowNumber: number } & (
  | { outcome: 'created' | 'updated' | 'unchanged' }
  | { outcome: 'error'; issues: RowIssue[] }
);

export type ImportTables = {
  registry_imports: {
    ente_id: string;
    id: Generated<string>;
    file_name: string;
    file_sha256: string;
    format: 'csv' | 'json';
    status: ColumnType<ImportStatus, ImportStatus | undefined, ImportStatus>;
    rows_total: number;
    created_by: string;
    created_at: Generated<Date>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
    finished_at: Date | null;
  };
  registry_import_rows: {
    ente_id: string;
    import_id: string;
    row_number: number;
    locator: string | null;
    kind: string;
    phase: number;
    record_key: string;
    repeats: string | null;
    cells: Json<Record<string, string>> | null;
    outcome: ColumnType<RowOutcome, RowOutcome | undefined, RowOutcome>;
    errors: Json<RowIssue[]> | null;
  };
};

const q = (db: AnyDb) => (db as Db).withTables<ImportTables>() as unknown as Kysely<ImportTables>;

export type ImportSummary = PlatformImportSummary<RowOutcome>;

export async function insertImport(
  db: AnyDb,
  row: Omit<ImportTables['registry_imports'], 'id' | 'status' | 'created_at' | 'updated_at' | 'finished_at'>,
): Promise<string> {
  const inserted = await q(db)
    .insertInto('registry_imports')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function insertRows(db: AnyDb, enteId: string, importId: string, records: ImportRecord[]) {
  for (let i = 0; i < records.length; i += 5000) {
    const batch = records.slice(i, i + 5000).map((r) => ({
      ente_id: enteId,
      import_id: importId,
      row_number: r.rowNumber,
      locator: r.locator,
      kind: r.kind.slice(0, 40),
      phase: r.phase,
      record_key: r.key.slice(0, 200),
      repeats: r.repeats,
      cells: r.cells,
    }));
    await sql`insert into registry_import_rows
        (ente_id, import_id, row_number, locator, kind, phase, record_key, repeats, cells)
      select ente_id, import_id, row_number, locator, kind, phase, record_key, repeats, cells
      from json_populate_recordset(null::registry_import_rows, ${JSON.stringify(batch)}::json)`.execute(db);
  }
}

const jobs = importJobs<RowOutcome>({
  jobs: 'registry_imports',
  rows: 'registry_import_rows',
  outcomes: ['queued', 'created', 'updated', 'unchanged', 'error'],
});
export const { findImport, listImports, earlierImportOf } = jobs;

/** Drivers give jsonb back parsed (pg) or as text in some setups; accept both. */
const parseJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

export interface QueuedRow {
  rowNumber: number;
  kind: string;
  phase: number;
  key: string;
  repeats: string | null;
  cells: Record<string, string>;
}

/** The next queued records, all of the earliest phase still queued, in file order. */
export async function nextQueued(db: AnyDb, enteId: string, importId: string, limit: number) {
  const rows = await q(db)
    .selectFrom('registry_import_rows')
    .select(['row_number', 'kind', 'phase', 'record_key', 'repeats', 'cells'])
    .where('ente_id', '=', enteId)
    .where('import_id', '=', importId)
    .where('outcome', '=', 'queued')
    .orderBy('phase')
    .orderBy('row_number')
    .limit(limit)
    .execute();
  const phase = rows[0]?.phase;
  return rows
    .filter((r) => r.phase === phase)
    .map(
      (r): QueuedRow => ({
        rowNumber: r.row_number,
        kind: r.kind,
        phase: r.phase,
        key: r.record_key,
        repeats: r.repeats,
        cells: parseJson(r.cells),
      }),
    );
}

/** Settles queued records only (a record once decided never changes) and drops their cells. */
export async function settleRows(db: AnyDb, enteId: string, importId: string, settled: Settled[]) {
  if (settled.length === 0) return;
  // The bounds let the planner walk the primary key instead of hashing every record of the import.
  const numbers = settled.map((s) => s.rowNumber);
  const rows = settled.map((s) => ({
    row_number: s.rowNumber,
    outcome: s.outcome,
    errors: s.outcome === 'error' ? s.issues : null,
  }));
  await sql`update registry_import_rows r set outcome = j.outcome, errors = j.errors, cells = null
    from json_to_recordset(${JSON.stringify(rows)}::json) as j(row_number integer, outcome text, errors jsonb)
    where r.ente_id = ${enteId} and r.import_id = ${importId} and r.row_number = j.row_number
      and r.row_number between ${Math.min(...numbers)} and ${Math.max(...numbers)}
      and r.outcome = 'queued'`.execute(db);
}

export async function setRunning(db: AnyDb, enteId: string, importId: string) {
  await q(db)
    .updateTable('registry_imports')
    .set({ status: 'running', updated_at: new Date() })
    .where('ente_id', '=', enteId)
    .where('id', '=', importId)
    .where('status', '=', 'queued')
    .execute();
}

/** Marks the import done; false when it already was (another process finished it). */
export async function setDone(db: AnyDb, enteId: string, importId: string): Promise<boolean> {
  const result = await q(db)
    .updateTable('registry_imports')
    .set({ status: 'done', updated_at: new Date(), finished_at: sql`now()` })
    .where('ente_id', '=', enteId)
    .where('id', '=', importId)
    .where('status', '<>', 'done')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface RowError {
  rowNumber: number;
  /** What the page calls the record: its line (CSV) or JSON Pointer (JSON). */
  label: string;
  kind: string;
  key: string;
  issues: RowIssue[];
}

export async function errorRows(
  db: AnyDb,
  enteId: string,
  importId: string,
  limit: number,
): Promise<RowError[]> {
  const rows = await q(db)
    .selectFrom('registry_import_rows')
    .select(['row_number', 'locator', 'kind', 'record_key', 'errors'])
    .where('ente_id', '=', enteId)
    .where('import_id', '=', importId)
    .where('outcome', '=', 'error')
    .orderBy('row_number')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    rowNumber: r.row_number,
    label: r.locator ?? String(r.row_number),
    kind: r.kind,
    key: r.record_key,
    issues: parseJson<RowIssue[]>(r.errors) ?? [],
  }));
}

/** Imports of one ente take turns: held until the end of the caller's transaction. */
export async function lockImports(db: AnyDb, enteId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`registry-import:${enteId}`}))`.execute(db);
}
