import type { Kysely } from 'kysely';
import type { PlatformTables } from '../db/tables.ts';

type Q = Kysely<PlatformTables>;

export interface StoredEvent {
  ente_id: string;
  seq: number;
  occurred_at: Date;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  request_id: string | null;
  content: Record<string, unknown>;
  content_hash: string;
  prev_hash: string;
  hash: string;
}

/**
 * Locks the ente's chain head for this transaction (creating it at the genesis), and returns it, in one
 * statement: ON CONFLICT DO UPDATE locks the existing row as SELECT … FOR UPDATE would, and its no-op
 * update returns the head as it is.
 */
export async function lockHead(
  q: Q,
  enteId: string,
  genesis: string,
): Promise<{ seq: number; hash: string }> {
  return q
    .insertInto('audit_heads')
    .values({ ente_id: enteId, seq: 0, hash: genesis })
    .onConflict((oc) => oc.column('ente_id').doUpdateSet((eb) => ({ ente_id: eb.ref('excluded.ente_id') })))
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
}

/** Stores the event and moves the chain head to it: one statement (a data-modifying WITH). */
export async function append(q: Q, event: StoredEvent): Promise<void> {
  await q
    .with('event', (db) =>
      db
        .insertInto('audit_events')
        .values({ ...event, content: JSON.stringify(event.content) })
        .returning('seq'),
    )
    .updateTable('audit_heads')
    .set({ seq: event.seq, hash: event.hash })
    .where('ente_id', '=', event.ente_id)
    .execute();
}

export async function chainEntes(
  q: Q,
  enteId?: string,
): Promise<{ ente_id: string; seq: number; hash: string }[]> {
  let query = q.selectFrom('audit_heads').select(['ente_id', 'seq', 'hash']).orderBy('ente_id');
  if (enteId) query = query.where('ente_id', '=', enteId);
  return query.execute();
}

export async function eventsAfter(
  q: Q,
  enteId: string,
  afterSeq: number,
  limit: number,
): Promise<StoredEvent[]> {
  const rows = await q
    .selectFrom('audit_events')
    .selectAll()
    .where('ente_id', '=', enteId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}

export async function listEvents(q: Q, enteId: string, limit: number): Promise<StoredEvent[]> {
  const rows = await q
    .selectFrom('audit_events')
    .selectAll()
    .where('ente_id', '=', enteId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
}
