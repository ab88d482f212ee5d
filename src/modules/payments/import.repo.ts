// SQL of CSV imports (migrations/0010_payments_import.sql): the upload, its rows and their outcomes.
// Every query is filtered by ente_id; writes run in the ente's tenant transaction.
import { type ColumnType, type Generated, type Kysely, sql } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import type { RowIssue } from './import-rows.ts';

type Json<T> = ColumnType<T, string, string>;
export type ImportStatus = 'queued' | 'running' | 'done';
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

export interface ImportSummary {
  id: string;
  fileName: string;
  fileSha256: string;
  status: ImportStatus;
  rowsTotal: number;
  counts: Record<RowOutcome, number>;
  createdBy: string;
  createdAt: Date;
  finishedAt: Date | null;
}

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

async function countsOf(db: AnyDb, enteId: string, ids: string[]) {
  const counts = new Map<string, Record<RowOutcome, number>>();
  if (ids.length === 0) return counts;
  const rows = await q(db)
    .selectFrom('payment_import_rows')
    .select(['import_id', 'outcome', (eb) => eb.fn.countAll<number>().as('n')])
    .where('ente_id', '=', enteId)
    .where('import_id', 'in', ids)
    .groupBy(['import_id', 'outcome'])
    .execute();
  for (const r of rows) {
    const entry = counts.get(r.import_id) ?? { queued: 0, created: 0, skipped: 0, error: 0 };
    entry[r.outcome] = Number(r.n);
    counts.set(r.import_id, entry);
  }
  return counts;
}

const imports = (db: AnyDb, enteId: string) =>
  q(db).selectFrom('payment_imports').selectAll().where('ente_id', '=', enteId);

async function summaries(
  db: AnyDb,
  enteId: string,
  rows: Awaited<ReturnType<ReturnType<typeof imports>['execute']>>,
) {
  const counts = await countsOf(
    db,
    enteId,
    rows.map((r) => r.id),
  );
  return rows.map(
    (r): ImportSummary => ({
      id: r.id,
      fileName: r.file_name,
      fileSha256: r.file_sha256,
      status: r.status,
      rowsTotal: r.rows_total,
      counts: counts.get(r.id) ?? { queued: 0, created: 0, skipped: 0, error: 0 },
      createdBy: r.created_by,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    }),
  );
}

export async function findImport(db: AnyDb, enteId: string, id: string): Promise<ImportSummary | undefined> {
  const rows = await imports(db, enteId).where('id', '=', id).execute();
  return (await summaries(db, enteId, rows))[0];
}

export async function listImports(db: AnyDb, enteId: string, limit: number): Promise<ImportSummary[]> {
  const rows = await imports(db, enteId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
  return summaries(db, enteId, rows);
}

/** An earlier import of the same file (by its SHA-256), if any. */
export async function earlierImportOf(db: AnyDb, enteId: string, sha256: string, before: string) {
  return q(db)
    .selectFrom('payment_imports')
    .select(['id', 'created_at'])
    .where('ente_id', '=', enteId)
    .where('file_sha256', '=', sha256)
    .where('id', '<>', before)
    .orderBy('created_at')
    .executeTakeFirst();
}

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
