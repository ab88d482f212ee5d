// Prepares, once per test run, a migrated database holding the Venice demo aggregation. Each test file
// then starts from its own copy: a copied PGlite data directory, or a PostgreSQL database created from
// a template when TEST_DATABASE_URL names a server.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { testEnv } from '../src/config.ts';
import { seedAggregation } from '../src/modules/tenancy/index.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';

export const TEMPLATE_DB = 'convergenza_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDir: string | null;
  }
}

export default async function setup(project: TestProject) {
  project.provide('templateDir', null);
  const serverUrl = testEnv('TEST_DATABASE_URL');
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.query(`create database ${TEMPLATE_DB}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${TEMPLATE_DB}`;
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, poolSize: 2 });
    await migrate(database);
    await seedAggregation(database.db, 'venezia');
    await database.close();
    return;
  }
  const dir = path.join(os.tmpdir(), `convergenza-test-template-${process.pid}`);
  await fs.rm(dir, { recursive: true, force: true });
  const database = await openDatabase({ databaseUrl: null, dataDir: dir });
  await migrate(database);
  await seedAggregation(database.db, 'venezia');
  await database.close();
  project.provide('templateDir', dir);
  return async () => {
    await fs.rm(dir, { recursive: true, force: true });
  };
}
