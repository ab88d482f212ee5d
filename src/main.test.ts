// The `convergenza` command line, run as a user runs it: a child process with its own database.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../test/support.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/convergenza.js');
let env: Record<string, string>;
let pgDatabase: TestDatabase | null = null;
let dataDir: string | null = null;

beforeAll(async () => {
  const base = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' };
  const candidate = await testDatabase();
  if (candidate.url) {
    // A PostgreSQL server: a fresh database, emptied of the seed so the CLI starts from nothing.
    pgDatabase = candidate;
    await candidate.script('truncate enti, ente_hosts, audit_events, audit_heads, jobs cascade');
    env = { ...base, DATABASE_URL: candidate.url };
  } else {
    await candidate.close();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convergenza-cli-'));
    env = { ...base, DATA_DIR: dataDir };
  }
});
afterAll(async () => {
  await pgDatabase?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const cli = (args: string[], extra: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, ...extra },
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('convergenza CLI', () => {
  it('exits non-zero with one clear line when the database is unreachable', () => {
    const run = cli(['migrate'], { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/nothing' });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^convergenza: cannot reach PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/nothing/,
    );
    expect(run.stderr).not.toContain('secret');
  });

  // Six processes one after the other, each loading the application: minutes on a busy 2-core machine.
  it('seeds an aggregation, lists, onboards and verifies the audit log', { timeout: 180_000 }, () => {
    const seed = cli(['seed', '--aggregation', 'treviso']);
    expect(seed.stderr + seed.stdout).toContain('28 comuni added');
    expect(seed.status).toBe(0);
    const again = cli(['seed', '--aggregation', 'treviso']);
    expect(again.stdout).toContain('0 comuni added, 28 already present');

    const list = cli(['ente', 'list', '--sad', 'provincia-treviso']);
    const rows = list.stdout.trim().split('\n');
    expect(rows).toHaveLength(29);
    expect(rows).toContain('conegliano\tcomune\t026021\tComune di Conegliano');

    const add = cli(['ente', 'add', '--istat', '026001', '--sad', 'provincia-treviso']);
    expect(add.status).toBe(0);
    expect(add.stdout).toContain('added Comune di Altivole at /altivole');
    const bad = cli(['ente', 'add', '--istat', '026001', '--sad', 'provincia-treviso']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('already onboarded');

    const verify = cli(['audit', 'verify']);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/1 chains, 30 events, 0 broken/);
  });

  it('prints usage and exits 2 on an unknown command', () => {
    const run = cli(['frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage: convergenza');
  });
});
