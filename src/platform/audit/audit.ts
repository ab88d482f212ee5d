// The audit trail: every mutation appends an event in its own transaction; events are hash-chained per
// ente so that a changed, removed or reordered event is detected by `convergenza audit verify`.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PlatformTables } from '../db/tables.ts';
import * as repo from './audit.repo.ts';

export const GENESIS = '0'.repeat(64);

export interface AuditInput {
  enteId: string;
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  requestId?: string | null;
  /** What changed; never personal data in clear (later modules pseudonymise it). */
  content?: Record<string, unknown>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** JSON with keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function eventHash(e: Omit<repo.StoredEvent, 'hash' | 'content'>): string {
  return sha256(
    [
      e.prev_hash,
      e.ente_id,
      e.seq,
      e.occurred_at.toISOString(),
      e.actor,
      e.action,
      e.target_type,
      e.target_id ?? '',
      e.request_id ?? '',
      e.content_hash,
    ].join('\n'),
  );
}

/** Appends an event; call it with the transaction that makes the change. */
export async function recordAudit<DB extends PlatformTables>(
  trx: Kysely<DB>,
  input: AuditInput,
): Promise<void> {
  const q = trx as unknown as Kysely<PlatformTables>;
  const head = await repo.lockHead(q, input.enteId, GENESIS);
  const content = input.content ?? {};
  const partial = {
    ente_id: input.enteId,
    seq: Number(head.seq) + 1,
    occurred_at: new Date(),
    actor: input.actor,
    action: input.action,
    target_type: input.targetType,
    target_id: input.targetId ?? null,
    request_id: input.requestId ?? null,
    content_hash: sha256(canonicalJson(content)),
    prev_hash: head.hash,
  };
  await repo.append(q, { ...partial, content, hash: eventHash(partial) });
}

export interface ChainProblem {
  enteId: string;
  seq: number;
  reason: 'content-changed' | 'event-changed' | 'missing' | 'head-mismatch';
}

export interface VerifyReport {
  chains: number;
  events: number;
  problems: ChainProblem[];
}

/** Walks each chain from its genesis; reports the first broken link of every broken chain. */
export async function verifyAudit<DB extends PlatformTables>(
  db: Kysely<DB>,
  options: { enteId?: string; onProgress?: (events: number) => void } = {},
): Promise<VerifyReport> {
  const q = db as unknown as Kysely<PlatformTables>;
  const heads = await repo.chainEntes(q, options.enteId);
  const report: VerifyReport = { chains: heads.length, events: 0, problems: [] };
  for (const head of heads) {
    const problem = await verifyChain(q, head.ente_id, Number(head.seq), head.hash, (n) => {
      report.events += n;
      options.onProgress?.(report.events);
    });
    if (problem) report.problems.push(problem);
  }
  return report;
}

async function verifyChain(
  q: Kysely<PlatformTables>,
  enteId: string,
  headSeq: number,
  headHash: string,
  counted: (n: number) => void,
): Promise<ChainProblem | null> {
  let expectedSeq = 1;
  let prevHash = GENESIS;
  for (;;) {
    const batch = await repo.eventsAfter(q, enteId, expectedSeq - 1, 1000);
    if (batch.length === 0) break;
    for (const event of batch) {
      if (event.seq !== expectedSeq) return { enteId, seq: expectedSeq, reason: 'missing' };
      if (event.prev_hash !== prevHash) return { enteId, seq: event.seq, reason: 'event-changed' };
      if (sha256(canonicalJson(event.content)) !== event.content_hash) {
        return { enteId, seq: event.seq, reason: 'content-changed' };
      }
      if (eventHash(event) !== event.hash) return { enteId, seq: event.seq, reason: 'event-changed' };
      prevHash = event.hash;
      expectedSeq += 1;
    }
    counted(batch.length);
  }
  if (expectedSeq - 1 !== headSeq) return { enteId, seq: expectedSeq, reason: 'missing' };
  if (prevHash !== headHash) return { enteId, seq: headSeq, reason: 'head-mismatch' };
  return null;
}

export { listEvents } from './audit.repo.ts';
