// SQL of CSV imports (migrations/0010_payments_import.sql): the upload, its rows and their outcomes; the
// reads every import shares come from the platform (import-jobs.repo.ts). Every query is filtered by
// ente_id; writes run in the ente's tenant transaction.
import { type ColumnType, type Generated, type Kysely, sql } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import {
  type ImportStatus,
  importJobs,
  type ImportSummary as PlatformImportSummary,
} from '../../platform/imports/import-jobs.repo.ts';
import type { RowIssue } from './import-rows.ts';

type Json<T> = ColumnType<T, string, string>;
export type RowOutcome = 'queued' | 'created' | 'skipped' | 'error';

export type ImportTables = {
  payment_imports: {
    ente_id: string;
    id: Generated<string>;
    file_name: string;
    file_sha256: string;
    status: ColumnType<ImportStatus, ImportStatus | undefined, ImportStatus>;
    rows_total: number;
    created_by: string;
    created_at: Generated<Date>;
    updated_at: ColumnType<Date, Date | undefined, Date>;
    finished_at: Date | null;
  };
  payment_import_rows: {
    ente_id: string;
    import_id: string;
    row_number: number;
    iupd: string;
    cells: Json<Record<string, string>>;
    outcome: ColumnType<RowOutcome, RowOutcome | undefined, RowOutcome>;
    errors: Json<RowIssue[] | null> | null;
    position_id: string | null;
  };
};

const q = (db: AnyDb) => (db as Db).withTables<ImportTables>() as unknown as Kysely<ImportTables>;

export type ImportSummary = PlatformImportSummary<RowOutcome>;

export async function insertImport(
  db: AnyDb,
  row: { ente_id: string; file_name: string; file_sha256: string; rows_total: number; created_by: string },
): Promise<string> {
  const inserted = await q(db)
    .insertInto('payment_imports')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function insertRows(
  db: AnyDb,
  enteId: string,
  importId: string,
  rows: { rowNumber: number; cells: Record<string, string> }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await q(db)
      .insertInto('payment_import_rows')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          ente_id: enteId,
          import_id: importId,
          row_number: r.rowNumber,
          iupd: r.cells.iupd ?? '',
          cells: JSON.stringify(r.cells),
        })),
      )
      .execute();
  }
}

const jobs = importJobs<RowOutcome>({
  jobs: 'payment_imports',
  rows: 'payment_import_rows',
  outcomes: ['queued', 'created', 'skipped', 'error'],
});
export const { findImport, listImports, earlierImportOf } = jobs;

export async function queuedRows(db: AnyDb, enteId: string, importId: string) {
  const rows = await q(db)
    .selectFrom('payment_import_rows')
    .select(['row_number', 'cells'])
    .where('ente_id', '=', enteId)
    .where('import_id', '=', importId)
    .where('outcome', '=', 'queued')
    .orderBy('row_number')
    .execute();
  return rows.map((r) => ({ rowNumber: r.row_number, cells: parseJson<Record<string, string>>(r.cells) }));
}

/** Drivers give jsonb back parsed (pg) or as text in some setups; accept both. */
const parseJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** Sets the outcome of queued rows only: a row once decided never changes. */
export async function settleRows(
  db: AnyDb,
  enteId: string,
  importId: string,
  outcome:
    | { kind: 'created' | 'skipped'; positionId: string }
    | { kind: 'error'; issues: Map<number, RowIssue[]> },
  rowNumbers: number[],
): Promise<void> {
  const base = q(db)
    .updateTable('payment_import_rows')
    .where('ente_id', '=', enteId)
    .where('import_id', '=', importId)
    .where('outcome', '=', 'queued');
  if (outcome.kind !== 'error') {
    await base
      .set({ outcome: outcome.kind, position_id: outcome.positionId })
      .where('row_number', 'in', rowNumbers)
      .execute();
    return;
  }
  for (const row of rowNumbers) {
    const issues = outcome.issues.get(row) ?? [{ field: 'iupd', rule: 'groupError' as const }];
    await base
      .set({ outcome: 'error', errors: JSON.stringify(issues) })
      .where('row_number', '=', row)
      .execute();
  }
}

export async function setStatus(db: AnyDb, enteId: string, importId: string, status: ImportStatus) {
  await q(db)
    .updateTable('payment_imports')
    .set({ status, updated_at: new Date(), finished_at: status === 'done' ? sql`now()` : null })
    .where('ente_id', '=', enteId)
    .where('id', '=', importId)
    .execute();
}

export interface RowError {
  rowNumber: number;
  iupd: string;
  issues: RowIssue[];
}

export async function errorRows(
  db: AnyDb,
  enteId: string,
  importId: string,
  limit: number,
): Promise<RowError[]> {
  const rows = await q(db)
    .selectFrom('payment_import_rows')
    .select(['row_number', 'iupd', 'errors'])
    .where('ente_id', '=', enteId)
    .where('import_id', '=', importId)
    .where('outcome', '=', 'error')
    .orderBy('row_number')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    rowNumber: r.row_number,
    iupd: r.iupd,
    issues: parseJson<RowIssue[]>(r.errors) ?? [],
  }));
}
