// Kysely types of the platform's own tables. Modules declare theirs in <area>.schema.ts and reach them
// with db.withTables<...>() inside their repository.
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AuditEventsTable {
  ente_id: string;
  seq: number;
  occurred_at: ColumnType<Date, Date, never>;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  request_id: string | null;
  content: JSONColumnType<Record<string, unknown>>;
  content_hash: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  ente_id: string;
  seq: number;
  hash: string;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'dead';

export interface JobsTable {
  ente_id: string;
  id: Generated<string>;
  queue: string;
  payload: JSONColumnType<Record<string, unknown>>;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_at: Timestamp;
  idempotency_key: string | null;
  last_error: string | null;
  locked_by: string | null;
  locked_at: Date | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface SessionsTable {
  id_hash: string;
  subject: string;
  display_name: string | null;
  roles: JSONColumnType<unknown[]>;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  user_id: string | null;
  method: string | null;
  user_agent: string | null;
  provider_token: string | null;
}

export interface PlatformSecretsTable {
  name: string;
  value: string;
  created_at: Generated<Date>;
}

export interface PlatformTables {
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  jobs: JobsTable;
  sessions: SessionsTable;
  platform_secrets: PlatformSecretsTable;
}
