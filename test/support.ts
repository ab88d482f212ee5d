// Test support: a private copy of the seeded test database per test file, the app built on it, and
// sessions that act as a given role (login itself arrives with the identity module).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig, testEnv } from '../src/config.ts';
import type { Grant } from '../src/platform/auth/policy.ts';
import { createSession, SESSION_COOKIE } from '../src/platform/auth/sessions.repo.ts';
import { type Database, openDatabase } from '../src/platform/db/database.ts';
import { TEMPLATE_DB } from './global-setup.ts';

export interface TestDatabase extends Database {
  /** The PostgreSQL URL of this copy, or null on PGlite. */
  url: string | null;
}

export async function testDatabase(): Promise<TestDatabase> {
  const serverUrl = testEnv('TEST_DATABASE_URL');
  if (serverUrl) {
    const name = `cz_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, poolSize: 4 });
    return {
      ...database,
      url: url.toString(),
      close: async () => {
        await database.close();
        const cleanup = new pg.Client({ connectionString: serverUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      },
    };
  }
  const template = inject('templateDir');
  if (!template) throw new Error('the test template database is missing: run tests through vitest');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'convergenza-test-'));
  await fs.cp(template, dir, { recursive: true });
  const database = await openDatabase({ databaseUrl: null, dataDir: dir });
  return {
    ...database,
    url: null,
    close: async () => {
      await database.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export async function testApp(database: Database, env: Record<string, string> = {}) {
  const config = loadConfig({
    DEMO_SEED: 'venezia',
    COOKIE_SECRET: 'x'.repeat(40),
    JOBS_WORKER: 'false',
    // Only the unexpected: a request that failed with a 500 leaves its error and stack in the test output.
    LOG_LEVEL: 'error',
    ...env,
  });
  return buildApp(config, database);
}

/** A session cookie for a principal holding the given grants. */
export async function sessionAs(database: Database, subject: string, grants: Grant[]) {
  const { token } = await createSession(database.db, {
    principal: { subject, displayName: subject, grants },
  });
  return { [SESSION_COOKIE]: token };
}

/** The id of an ente of the demo seed, by slug. */
export async function enteId(database: Database, slug: string): Promise<string> {
  const row = await database.db
    .withTables<{ enti: { id: string; slug: string } }>()
    .selectFrom('enti')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Drives server-rendered forms the way a browser does: keeps cookies between requests and sends back
 * the CSRF token of the last page it read.
 */
export class Browser {
  cookies: Record<string, string> = {};
  csrf: string | null = null;

  constructor(private readonly app: Awaited<ReturnType<typeof testApp>>['app']) {}

  async get(url: string, headers: Record<string, string> = {}) {
    return this.#keep(await this.app.inject({ url, cookies: this.cookies, headers }));
  }

  async post(url: string, fields: Record<string, string> = {}) {
    const payload = new URLSearchParams({ ...(this.csrf ? { _csrf: this.csrf } : {}), ...fields }).toString();
    return this.#keep(
      await this.app.inject({
        method: 'POST',
        url,
        cookies: this.cookies,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      }),
    );
  }

  #keep<
    R extends { cookies: { name: string; value: string; maxAge?: number; expires?: Date }[]; body: string },
  >(res: R): R {
    for (const cookie of res.cookies) {
      const gone =
        cookie.value === '' ||
        cookie.maxAge === 0 ||
        (cookie.expires && cookie.expires.getTime() < Date.now());
      if (gone) delete this.cookies[cookie.name];
      else this.cookies[cookie.name] = cookie.value;
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
    return res;
  }
}
