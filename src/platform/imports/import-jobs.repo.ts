// The SQL every file import shares (payments positions, migrations/0010; registry records, 0016): an
// upload's summary with the count of its rows per outcome, the recent uploads, an earlier upload of the
// same file. Each module keeps its own pair of tables of one shape: <jobs>(id, ente_id, file_name,
// file_sha256, status, rows_total, created_by, created_at, finished_at, …) and <rows>(ente_id, import_id,
// row_number, outcome, …); what its rows hold and how they are applied stay in the module.
import { sql } from 'kysely';
import type { AnyDb } from '../db/database.ts';

export type ImportStatus = 'queued' | 'running' | 'done';

export interface ImportSummary<Outcome extends string> {
  id: string;
  fileName: string;
  fileSha256: string;
  status: ImportStatus;
  rowsTotal: number;
  counts: Record<Outcome, number>;
  createdBy: string;
  createdAt: Date;
  finishedAt: Date | null;
}

interface JobRow {
  id: string;
  file_name: string;
  file_sha256: string;
  status: ImportStatus;
  rows_total: number;
  created_by: string;
  created_at: Date;
  finished_at: Date | null;
}

/** A module's tables and the outcomes its rows can have ('queued' until applied). */
export interface ImportTableNames<Outcome extends string> {
  jobs: string;
  rows: string;
  outcomes: readonly Outcome[];
}

/** The shared reads of one module's imports; every query is filtered by the ente. */
export function importJobs<Outcome extends string>(tables: ImportTableNames<Outcome>) {
  const jobs = sql.table(tables.jobs);
  const rows = sql.table(tables.rows);
  const columns = sql`id, file_name, file_sha256, status, rows_total, created_by, created_at, finished_at`;
  const none = () => Object.fromEntries(tables.outcomes.map((o) => [o, 0])) as Record<Outcome, number>;

  async function summaries(db: AnyDb, enteId: string, found: JobRow[]): Promise<ImportSummary<Outcome>[]> {
    const counts = new Map<string, Record<Outcome, number>>();
    if (found.length > 0) {
      const { rows: counted } = await sql<{ import_id: string; outcome: Outcome; n: number | string }>`
        select import_id, outcome, count(*) as n from ${rows}
        where ente_id = ${enteId} and import_id in (${sql.join(found.map((r) => r.id))})
        group by import_id, outcome`.execute(db);
      for (const r of counted) {
        const entry = counts.get(r.import_id) ?? none();
        entry[r.outcome] = Number(r.n);
        counts.set(r.import_id, entry);
      }
    }
    return found.map((r) => ({
      id: r.id,
      fileName: r.file_name,
      fileSha256: r.file_sha256,
      status: r.status,
      rowsTotal: r.rows_total,
      counts: counts.get(r.id) ?? none(),
      createdBy: r.created_by,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    }));
  }

  return {
    async findImport(db: AnyDb, enteId: string, id: string): Promise<ImportSummary<Outcome> | undefined> {
      const { rows: found } = await sql<JobRow>`select ${columns} from ${jobs}
        where ente_id = ${enteId} and id = ${id}`.execute(db);
      return (await summaries(db, enteId, found))[0];
    },

    /** The most recent first. */
    async listImports(db: AnyDb, enteId: string, limit: number): Promise<ImportSummary<Outcome>[]> {
      const { rows: found } = await sql<JobRow>`select ${columns} from ${jobs}
        where ente_id = ${enteId} order by created_at desc, id limit ${limit}`.execute(db);
      return summaries(db, enteId, found);
    },

    /** The first earlier upload of the same file (by its SHA-256), if any. */
    async earlierImportOf(db: AnyDb, enteId: string, sha256: string, before: string) {
      const { rows: found } = await sql<{ id: string; created_at: Date }>`select id, created_at from ${jobs}
        where ente_id = ${enteId} and file_sha256 = ${sha256} and id <> ${before}
        order by created_at limit 1`.execute(db);
      return found[0];
    },
  };
}
