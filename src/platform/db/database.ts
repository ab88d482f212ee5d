// Opens the system of record: a PostgreSQL server when DATABASE_URL is set, else embedded PGlite
// persisted under the data directory. Both speak the same SQL and run the same migrations.
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { pglitePool } from './pglite-pool.ts';
import { PreparingClient } from './prepared.ts';
import type { PlatformTables } from './tables.ts';
import { TenantPostgresDialect } from './tenant.ts';

// int8 (bigint) as JS number: counters and sequences here stay far below 2^53.
pg.types.setTypeParser(20, (value: string) => Number(value));

export type Db = Kysely<PlatformTables>;
/** Any handle on the database (a transaction included), whatever tables its type knows. */
// biome-ignore lint/suspicious/noExplicitAny: a handle whose table types each repository narrows itself
export type AnyDb = Kysely<any>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Runs a multi-statement SQL script (migrations) on one session; rolls back an open transaction on failure. */
  script(text: string): Promise<void>;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {}

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string | null; // null: in-memory PGlite (tests)
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir);
}

export const IDLE_CONNECTION_MS = 5 * 60_000;

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    // The pool hands out the connection released last, so under a steady load the ones below it sit
    // idle: with pg's default of 10 s they were closed and opened again every few seconds (a new
    // backend, SCRAM authentication, every statement prepared again). Idle for 5 minutes, they close.
    idleTimeoutMillis: IDLE_CONNECTION_MS,
    Client: PreparingClient,
  });
  pool.on('error', () => {}); // idle-client errors surface on the next query instead of crashing
  const db: Db = new Kysely({ dialect: new TenantPostgresDialect(pool) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    const where = safeUrl(url);
    throw new DatabaseUnavailableError(
      `cannot reach PostgreSQL at ${where}: ${(error as Error).message || (error as Error).name}`,
    );
  }
  const script = async (text: string) => {
    const client = await pool.connect();
    try {
      await client.query(text);
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  return { db, kind: 'postgres', script, close: () => db.destroy() };
}

// Embedded use serves one installation's demo or a small comune: 16 MB of shared buffers is plenty and
// keeps the process small (the files stay in the operating system's cache anyway).
const PGLITE_OPTIONS = { postgresqlconf: ['shared_buffers=16MB'] };

async function openPglite(dataDir: string | null): Promise<Database> {
  let pglite: PGlite;
  try {
    if (dataDir) await fs.mkdir(dataDir, { recursive: true });
    const fresh = dataDir !== null && !(await fs.stat(path.join(dataDir, 'PG_VERSION')).catch(() => null));
    pglite = await PGlite.create({ ...PGLITE_OPTIONS, ...(dataDir ? { dataDir } : {}) });
    if (fresh) {
      // Creating a database keeps initdb's memory alive until the instance closes: reopen once.
      await pglite.close();
      pglite = await PGlite.create({ ...PGLITE_OPTIONS, dataDir: dataDir! });
    }
  } catch (error) {
    throw new DatabaseUnavailableError(
      `cannot open the embedded database in ${dataDir}: ${(error as Error).message}`,
    );
  }
  const pool = pglitePool(pglite);
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool: pool as never }) });
  const script = async (text: string) => {
    const session = await pool.connect();
    try {
      await pglite.exec(text);
    } catch (error) {
      await pglite.exec('rollback').catch(() => {});
      throw error;
    } finally {
      session.release();
    }
  };
  return { db, kind: 'pglite', script, close: () => db.destroy() };
}

/** True when the database answers a trivial query. */
export async function ping(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** The URL without its password, for error messages and logs. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
