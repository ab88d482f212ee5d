// Import of a comune's population registry from a CSV or JSON file (docs/registry-import.md): the upload
// is read and checked as a whole (format, size, columns), its records stored and a job queued, all in one
// transaction; the job then applies the records chunk by chunk, families first, then persons, then
// marriages, civil unions and cohabitation contracts, each chunk in one tenant transaction together with
// its records' outcome. A bad record never stops the good ones; a crash resumes where it stopped; the same
// file again changes nothing. Imports of one ente take turns (a transaction lock). No HTTP.
import { createHash } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { enqueue, type JobRow, type JobWorker } from '../../platform/jobs/jobs.ts';
import { analyzeTables } from './registry.repo.ts';
import * as repo from './registry-import.repo.ts';
import { applyChunk } from './registry-import-apply.ts';
import { type FileProblem, readImportFile } from './registry-import-file.ts';
import { isRecordKind } from './registry-import-format.ts';

export const IMPORT_QUEUE = 'registry.import';
/** One job step works this long at most, then queues the next step (a job's lease is 5 minutes). */
const STEP_MS = 20_000;
/** Records applied in one transaction. */
const CHUNK = 1000;

export interface Actor {
  subject: string;
  requestId?: string | null;
}

export async function startRegistryImport(
  db: Db,
  actor: Actor,
  enteId: string,
  file: { name: string; bytes: Buffer },
  options: { queue?: boolean } = {},
): Promise<{ importId: string } | { problem: FileProblem }> {
  const read = readImportFile(file.bytes);
  if ('problem' in read) return read;
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const fileName = file.name.replace(/[\\/]/g, '_').trim().slice(0, 255) || `anagrafe.${read.format}`;
  // Counted by known kind only: an unknown "kind" is whatever the file says, maybe a name.
  const kinds: Record<string, number> = {};
  for (const r of read.records) {
    const kind = isRecordKind(r.kind) ? r.kind : 'unknown';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  const importId = await withTenant(db, enteId, async (trx) => {
    const id = await repo.insertImport(trx, {
      ente_id: enteId,
      file_name: fileName,
      file_sha256: sha256,
      format: read.format,
      rows_total: read.records.length,
      created_by: actor.subject,
    });
    await repo.insertRows(trx, enteId, id, read.records);
    if (options.queue !== false) await enqueueStep(trx, enteId, id, 0);
    // Counts only: no names, fiscal codes or file names in the audit trail.
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: 'registry.import.start',
      targetType: 'registry_import',
      targetId: id,
      requestId: actor.requestId ?? null,
      content: { format: read.format, rows: read.records.length, kinds },
    });
    return id;
  });
  return { importId };
}

const enqueueStep = (trx: Db, enteId: string, importId: string, step: number) =>
  enqueue(
    trx,
    enteId,
    IMPORT_QUEUE,
    { importId, step },
    { idempotencyKey: `${importId}:${step}`, maxAttempts: 10 },
  );

/** A value the database refused (class 22 data exception, 23 integrity violation): about the data. */
const refusedData = (error: unknown) => /^2[23]/.test(String((error as { code?: string }).code));

/** Applies the next chunk of queued records; returns how many it settled (0: none left). */
async function applyNext(db: Db, enteId: string, importId: string, size = CHUNK): Promise<number> {
  try {
    return await withTenant(db, enteId, async (trx) => {
      await repo.lockImports(trx, enteId);
      const rows = await repo.nextQueued(trx, enteId, importId, size);
      if (rows.length > 0) await applyChunk(trx, enteId, importId, rows);
      return rows.length;
    });
  } catch (error) {
    if (!refusedData(error)) throw error;
    if (size > 1) {
      // Something the checks did not foresee: record by record, so that only the culprit fails.
      let settled = 0;
      while (settled < size) {
        const n = await applyNext(db, enteId, importId, 1);
        if (n === 0) break;
        settled += n;
      }
      return settled;
    }
    return withTenant(db, enteId, async (trx) => {
      await repo.lockImports(trx, enteId);
      const [row] = await repo.nextQueued(trx, enteId, importId, 1);
      if (!row) return 0;
      const issues = [{ field: 'riga', rule: 'unexpected' as const }];
      await repo.settleRows(trx, enteId, importId, [{ rowNumber: row.rowNumber, outcome: 'error', issues }]);
      return 1;
    });
  }
}

/** Marks the import done and audits its counts, once. */
async function finish(db: Db, enteId: string, importId: string, actor: string): Promise<void> {
  await withTenant(db, enteId, async (trx) => {
    if (!(await repo.setDone(trx, enteId, importId))) return;
    const { counts } = (await repo.findImport(trx, enteId, importId))!;
    await recordAudit(trx, {
      enteId,
      actor,
      action: 'registry.import.finish',
      targetType: 'registry_import',
      targetId: importId,
      content: {
        created: counts.created,
        updated: counts.updated,
        unchanged: counts.unchanged,
        errors: counts.error,
      },
    });
  });
}

/**
 * Applies records until none is left (then marks the import done) or the deadline passes.
 * Returns whether it finished.
 */
export async function runRegistryImport(
  db: Db,
  enteId: string,
  importId: string,
  options: { deadline?: number; chunk?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<boolean> {
  const found = await withTenant(db, enteId, (trx) => repo.findImport(trx, enteId, importId));
  if (!found || found.status === 'done') return true;
  await withTenant(db, enteId, (trx) => repo.setRunning(trx, enteId, importId));
  let done = found.rowsTotal - found.counts.queued;
  for (
    let first = true;
    first || Date.now() <= (options.deadline ?? Number.POSITIVE_INFINITY);
    first = false
  ) {
    const n = await applyNext(db, enteId, importId, options.chunk ?? CHUNK);
    if (n === 0) {
      await finish(db, enteId, importId, 'system:import');
      await analyzeTables(db);
      return true;
    }
    done += n;
    options.onProgress?.(done, found.rowsTotal);
  }
  return false;
}

/** One step of an import job: records until the time is up, then the next step, or the end. */
export async function runImportStep(db: Db, job: JobRow, stepMs = STEP_MS, chunk = CHUNK): Promise<void> {
  const { importId, step } = job.payload as { importId: string; step: number };
  const deadline = Date.now() + stepMs;
  const finished = await runRegistryImport(db, job.ente_id, importId, { deadline, chunk });
  if (!finished)
    await withTenant(db, job.ente_id, (trx) => enqueueStep(trx, job.ente_id, importId, step + 1));
}

export function registerRegistryImportJob(worker: JobWorker, db: Db): void {
  worker.register(IMPORT_QUEUE, (job) => runImportStep(db, job));
}

/** Reads under the ente's row-level security, for the command line and the tests. */
export const importsOf = (db: Db, enteId: string, limit = 20) =>
  withTenant(db, enteId, (trx) => repo.listImports(trx, enteId, limit));
export const importOf = (db: Db, enteId: string, id: string) =>
  withTenant(db, enteId, (trx) => repo.findImport(trx, enteId, id));
export const importErrors = (db: Db, enteId: string, id: string, limit: number) =>
  withTenant(db, enteId, (trx) => repo.errorRows(trx, enteId, id, limit));

/** The command line's import: run to the end in this process (no job), with progress. */
export async function importRegistryFile(
  db: Db,
  enteId: string,
  file: { name: string; bytes: Buffer },
  onProgress?: (done: number, total: number) => void,
) {
  const started = await startRegistryImport(db, { subject: 'system:cli' }, enteId, file, { queue: false });
  if ('problem' in started) return started;
  await runRegistryImport(db, enteId, started.importId, { onProgress });
  return {
    summary: (await importOf(db, enteId, started.importId))!,
    errors: await importErrors(db, enteId, started.importId, 1_000_000),
  };
}

export type { ImportSummary, RowError } from './registry-import.repo.ts';
