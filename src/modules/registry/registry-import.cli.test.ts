// `convergenza import registry --ente SLUG FILE`, run as a user runs it: a child process on its own
// database, printing the counts and each record's errors, exit code 1 when some record was refused.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../../test/support.ts';
import { bundleRecords, csvFile, population } from './registry-import.test-support.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/convergenza.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'convergenza-registry-cli-'));
let env: Record<string, string>;
let pgDatabase: TestDatabase | null = null;

const cli = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 240_000 });

beforeAll(async () => {
  const base = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' };
  const candidate = await testDatabase();
  if (candidate.url) {
    pgDatabase = candidate; // already holds the Venice aggregation
    env = { ...base, DATABASE_URL: candidate.url };
  } else {
    await candidate.close();
    env = { ...base, DATA_DIR: path.join(work, 'data') };
    expect(cli(['seed', '--aggregation', 'venezia']).status).toBe(0);
  }
}, 240_000);
afterAll(async () => {
  await pgDatabase?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('convergenza import registry', () => {
  it('imports a file, reports counts and errors, and changes nothing the second time', () => {
    const records = bundleRecords(population('027019', 25, 'cli'));
    const file = path.join(work, 'anagrafe.csv');
    fs.writeFileSync(file, csvFile([...records, { tipo: 'persona', codice_fiscale: 'NOTACODE' }]));
    const first = cli(['import', 'registry', '--ente', 'jesolo', file]);
    expect(first.stdout).toContain(`Comune di Jesolo: ${records.length + 1} records in`);
    expect(first.stdout).toContain(`${records.length} new, 0 updated, 0 unchanged, 1 with errors`);
    expect(first.stdout).toContain(
      `Row ${records.length + 2} (persona NOTACODE) codice_fiscale: Not a valid fiscal code`,
    );
    expect(first.status).toBe(1);
    const again = cli(['import', 'registry', '--ente', 'jesolo', file]);
    expect(again.stdout).toContain(`0 new, 0 updated, ${records.length} unchanged, 1 with errors`);
  }, 240_000);

  it('says in one line why a file cannot be imported', () => {
    const file = path.join(work, 'vuoto.csv');
    fs.writeFileSync(file, 'tipo;codice_fiscale\n');
    const run = cli(['import', 'registry', '--ente', 'jesolo', file]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('convergenza: The file is empty or has no records.');
    const missing = cli(['import', 'registry', '--ente', 'jesolo', path.join(work, 'nessuno.csv')]);
    expect(missing.stderr).toMatch(/^convergenza: cannot read .*nessuno\.csv/);
  }, 240_000);
});
