// The platform under benchmark: its server started as a child process with only the variables it
// reads, and a throwaway database on the PostgreSQL server named by BENCH_DATABASE_URL.
import path from 'node:path';
import pg from 'pg';
import { testEnv } from '../../src/config.ts';
import { freePort } from '../../test/free-port.ts';
import { type Server, startServer } from './processes.ts';
import { type Load, ROOT } from './report.ts';

export const searchPath = () => testEnv('PATH') ?? '/usr/bin:/bin';

/** Only what the server reads, so nothing from the caller's shell (a stray DATABASE_URL) leaks in. */
function serverEnv(port: number, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: searchPath(),
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`, // the address the server is reached at (OIDC redirects, discovery)
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '100000000', // the limiter still runs on /api/ paths but never trips
    ...extra,
  };
}

/** `convergenza serve` on a free loopback port; `extra` names the database (DATA_DIR or DATABASE_URL). */
export async function startPortal(label: string, extra: Record<string, string>): Promise<Server> {
  const port = await freePort();
  return startServer(label, [path.join(ROOT, 'bin/convergenza.js'), 'serve'], port, serverEnv(port, extra));
}

/** Drops and recreates database `name`; returns its URL and the server's version. */
export async function recreateDatabase(
  serverUrl: string,
  name: string,
): Promise<{ url: string; version: string }> {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await admin.connect().catch((error: Error) => {
    throw new Error(`cannot reach BENCH_DATABASE_URL: ${error.message}`);
  });
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const { rows } = await admin.query<{ server_version: string }>('show server_version');
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { url: url.toString(), version: `PostgreSQL ${rows[0]?.server_version ?? '?'}` };
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`).finally(() => admin.end());
}

/** Fails early when a URL does not answer 200: a benchmark of error pages measures nothing. */
export async function expectOk(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(5000) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}, not 200`);
  return body;
}

/** The round with the median req/s: single rounds vary by ±15% on a shared VM. */
export function median(rounds: Load[]): Load {
  return [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)]!;
}
