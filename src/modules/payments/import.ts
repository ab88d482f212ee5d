// Bulk import of debt positions from a CSV file: the upload is read and checked as a whole (header,
// size), its rows stored and a job queued, all in one transaction; the job then creates one position
// per IUPD, each in its own transaction together with its rows' outcome, so a bad row never stops the
// good ones, never leaves half a position, and a crash resumes where it stopped. Nothing is imported
// twice: a position imported before (same IUPD) is reported as already imported. No HTTP, no SQL.
import { createHash } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.ts';
import { todayInRome } from '../../platform/dates.ts';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueue, type JobRow, type JobWorker } from '../../platform/jobs/jobs.ts';
import * as repo from './import.repo.ts';
import { type FileProblem, readImportFile } from './import-file.ts';
import { draftPosition, groupRows, mergeIssues, type RowInput, type RowIssues } from './import-rows.ts';
import * as query from './payments.query.repo.ts';
import { createDebtPosition } from './payments.service.ts';
import * as settingsRepo from './payments.settings.repo.ts';
import { checkNewPosition, type NewDebtPosition } from './payments.validation.ts';

export const IMPORT_QUEUE = 'payments.import';
/** Positions imported here belong to the payments module itself (no "paid" event to anyone). */
const SOURCE_MODULE = 'payments';
export const importRef = (iupd: string) => `import:${iupd}`;
/** One job step works this long at most, then queues the next step (a job's lease is 5 minutes). */
const STEP_MS = 20_000;

export type UploadProblem = FileProblem | { kind: 'notConfigured' };

export async function startImport(
  db: Db,
  actor: { subject: string; requestId?: string | null },
  enteId: string,
  file: { name: string; bytes: Buffer },
): Promise<{ importId: string } | { problem: UploadProblem }> {
  if (!(await settingsRepo.findSettings(db, enteId))) return { problem: { kind: 'notConfigured' } };
  const read = readImportFile(file.bytes);
  if ('problem' in read) return read;
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const fileName = file.name.replace(/[\\/]/g, '_').trim().slice(0, 255) || 'import.csv';
  const importId = await withTenant(db, enteId, async (trx) => {
    const id = await repo.insertImport(trx, {
      ente_id: enteId,
      file_name: fileName,
      file_sha256: sha256,
      rows_total: read.rows.length,
      created_by: actor.subject,
    });
    await repo.insertRows(trx, enteId, id, read.rows);
    await enqueue(
      trx,
      enteId,
      IMPORT_QUEUE,
      { importId: id, step: 0 },
      { idempotencyKey: `${id}:0`, maxAttempts: 10 },
    );
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: 'payment.import.create',
      targetType: 'payment_import',
      targetId: id,
      requestId: actor.requestId ?? null,
      content: { file: fileName, sha256, rows: read.rows.length },
    });
    return id;
  });
  return { importId };
}

class RowsRefused extends Error {
  constructor(readonly issues: RowIssues) {
    super('rows refused');
  }
}

/** What an error of the service means for the rows, or null when it is not about them (retry the job). */
function refusal(error: unknown, draft: ReturnType<typeof draftPosition>): RowIssues | null {
  if (error instanceof RowsRefused) return error.issues;
  if (error instanceof AppError) {
    if (error.code === 'POSITION_EXISTS') return mergeIssues(draft, [{ field: 'iupd', rule: 'iupdTaken' }]);
    return mergeIssues(
      draft,
      error.fields.length > 0
        ? error.fields.map((f) => ({ field: f.field, rule: 'unexpected' }))
        : [{ field: 'riga', rule: 'unexpected' }],
    );
  }
  // A constraint of the database (integrity violation, class 23): this data cannot be stored.
  if (/^23/.test(String((error as { code?: string }).code))) {
    return mergeIssues(draft, [{ field: 'riga', rule: 'unexpected' }]);
  }
  return null;
}

async function importGroup(db: Db, enteId: string, importId: string, actor: string, group: RowInput[]) {
  const draft = draftPosition(group);
  const settle = (trx: Db, outcome: Parameters<typeof repo.settleRows>[3]) =>
    repo.settleRows(trx, enteId, importId, outcome, draft.rowNumbers);
  try {
    await withTenant(db, enteId, async (trx) => {
      const existing = draft.iupd ? await query.findPosition(trx, enteId, { iupd: draft.iupd }) : undefined;
      if (existing) {
        const same =
          existing.source.module === SOURCE_MODULE && existing.source.ref === importRef(draft.iupd);
        if (!same) throw new RowsRefused(mergeIssues(draft, [{ field: 'iupd', rule: 'iupdTaken' }]));
        return settle(trx, { kind: 'skipped', positionId: existing.id });
      }
      const input: NewDebtPosition = {
        ...draft.input,
        enteId,
        source: { module: SOURCE_MODULE, ref: importRef(draft.iupd) },
        actor: { subject: actor, requestId: null },
      };
      const item = input.itemCode ? await settingsRepo.findItem(trx, enteId, input.itemCode) : null;
      const issues = mergeIssues(draft, checkNewPosition(input, { item, today: todayInRome() }));
      if (issues.size > 0) throw new RowsRefused(issues);
      const created = await createDebtPosition(trx, input);
      await settle(trx, { kind: created.created ? 'created' : 'skipped', positionId: created.positionId });
    });
  } catch (error) {
    const issues = refusal(error, draft);
    if (!issues) throw error;
    await withTenant(db, enteId, (trx) => settle(trx, { kind: 'error', issues }));
  }
}

/** One step of an import job: positions until the time is up, then the next step, or the end. */
export async function runImportStep(db: Db, job: JobRow, stepMs = STEP_MS): Promise<void> {
  const { importId, step } = job.payload as { importId: string; step: number };
  const enteId = job.ente_id;
  const found = await repo.findImport(db, enteId, importId);
  if (!found || found.status === 'done') return;
  if (found.status === 'queued')
    await withTenant(db, enteId, (trx) => repo.setStatus(trx, enteId, importId, 'running'));
  const groups = groupRows(await repo.queuedRows(db, enteId, importId));
  const deadline = Date.now() + stepMs;
  let done = 0;
  for (const group of groups) {
    if (done > 0 && Date.now() > deadline) break;
    await importGroup(db, enteId, importId, found.createdBy, group);
    done++;
  }
  await withTenant(db, enteId, async (trx) => {
    if (done < groups.length) {
      const next = step + 1;
      await enqueue(
        trx,
        enteId,
        IMPORT_QUEUE,
        { importId, step: next },
        { idempotencyKey: `${importId}:${next}`, maxAttempts: 10 },
      );
      return;
    }
    await repo.setStatus(trx, enteId, importId, 'done');
    const { counts } = (await repo.findImport(trx, enteId, importId))!;
    await recordAudit(trx, {
      enteId,
      actor: 'system:import',
      action: 'payment.import.done',
      targetType: 'payment_import',
      targetId: importId,
      content: { created: counts.created, skipped: counts.skipped, errors: counts.error },
    });
  });
}

export function registerImportJob(worker: JobWorker, db: Db): void {
  worker.register(IMPORT_QUEUE, (job) => runImportStep(db, job));
}
