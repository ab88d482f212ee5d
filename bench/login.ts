// Login benchmark: full SPID OpenID Connect logins against the embedded test provider over loopback
// (logins per second, round-trip time per login), and what the session lookup adds to a signed-in page,
// over HTTP and in-process (findSession). Always on embedded PGlite; also on PostgreSQL when
// BENCH_DATABASE_URL is set (its database convergenza_bench_login is dropped and recreated).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { testEnv } from '../src/config.ts';
import { createSession, findSession, SESSION_COOKIE } from '../src/platform/auth/sessions.repo.ts';
import { type DatabaseOptions, openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { dropDatabase, expectOk, median, recreateDatabase, startPortal } from './lib/convergenza.ts';
import { HOPS, type Hop, login } from './lib/oidc-login.ts';
import { stopAll, stopServer } from './lib/processes.ts';
import {
  type Check,
  cpuBusyPct,
  type Load,
  load,
  type Machine,
  machine,
  table,
  writeSection,
} from './lib/report.ts';

const BENCH_DB = 'convergenza_bench_login';
const LOGINS = { warmup: 20, sequential: 200, parallel: 200, concurrency: 4 };
// Any query parameter other than lang or q makes the portal render the page instead of reusing it, and
// signed-in pages are never cached: with `x`, both variants are rendered on every request.
const PAGE_PATH = '/jesolo/servizi?x=1';
/** Sequential requests on one keep-alive connection, anonymous and signed-in blocks interleaved. */
const LATENCY = { requests: 2000, blocks: 10 };
const LOAD = { connections: 10, warmupS: 2, durationS: 5, rounds: 3 };
const LOOKUPS = { warmup: 500, calls: 10_000 };
const TARGET_MS = 0.3;

interface Latency {
  p50Ms: number;
  p99Ms: number;
}

interface LoginSeries extends Latency {
  logins: number;
  concurrency: number;
  perSecond: number;
}

interface DatabaseFigures {
  database: string;
  logins: { sequential: LoginSeries; parallel: LoginSeries; hopP50Ms: Record<Hop, number> };
  page: {
    anonymous: Latency;
    signedIn: Latency;
    /** Signed-in p50 minus anonymous p50, one connection, no other load. */
    lookupP50Ms: number;
    anonymousLoad: Load;
    signedInLoad: Load;
    /** 1/(req/s) signed in minus 1/(req/s) anonymous, at saturation: server time per request. */
    lookupServerUs: number;
  };
  findSession: { calls: number; p50Us: number; p99Us: number };
}

export interface LoginFigures {
  benchmark: 'login';
  date: string;
  machine: Machine;
  cpuBusyBeforeLoadPct: number | null;
  settings: { logins: typeof LOGINS; pagePath: string; latency: typeof LATENCY; load: typeof LOAD };
  runs: DatabaseFigures[];
  targets: Check[];
  targetsMet: string;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

/** `count` logins by `concurrency` clients at once; returns figures and the last session cookie. */
async function logins(base: string, count: number, concurrency: number) {
  const totals: number[] = [];
  const hops = Object.fromEntries(HOPS.map((hop) => [hop, [] as number[]])) as Record<Hop, number[]>;
  let started = 0;
  let session = '';
  const client = async () => {
    while (started < count) {
      started++;
      const one = await login(base);
      totals.push(one.totalMs);
      for (const hop of HOPS) hops[hop].push(one.hopMs[hop]);
      session = one.session;
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - begin) / 1000;
  const series: LoginSeries = {
    logins: count,
    concurrency,
    perSecond: round(count / seconds, 1),
    ...latency(totals),
  };
  const hopP50Ms = Object.fromEntries(HOPS.map((hop) => [hop, latency(hops[hop]).p50Ms])) as Record<
    Hop,
    number
  >;
  return { series, hopP50Ms, session };
}

async function timedGet(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}, not 200`);
  return performance.now() - started;
}

async function pageLatency(url: string, cookie: Record<string, string>) {
  const samples = { anonymous: [] as number[], signedIn: [] as number[] };
  const perBlock = LATENCY.requests / LATENCY.blocks;
  // Block -1 warms up both variants and is not kept.
  for (let block = -1; block < LATENCY.blocks; block++) {
    for (const [kind, headers] of [
      ['anonymous', {}],
      ['signedIn', cookie],
    ] as const) {
      for (let i = 0; i < perBlock; i++) {
        const ms = await timedGet(url, headers);
        if (block >= 0) samples[kind].push(ms);
      }
    }
  }
  return { anonymous: latency(samples.anonymous), signedIn: latency(samples.signedIn) };
}

/** findSession called in this process on the server's database, after the server has stopped. */
async function lookupCost(options: DatabaseOptions) {
  const database = await openDatabase(options);
  try {
    await migrate(database); // nothing left to apply: the server migrated it
    const { token } = await createSession(database.db, {
      principal: { subject: 'bench', displayName: 'Bench', grants: [] },
      method: 'bench',
    });
    const times: number[] = [];
    for (let i = 0; i < LOOKUPS.warmup + LOOKUPS.calls; i++) {
      const started = performance.now();
      const principal = await findSession(database.db, token);
      const ms = performance.now() - started;
      if (!principal) throw new Error('findSession did not find the session just created');
      if (i >= LOOKUPS.warmup) times.push(ms);
    }
    const { rows } = await sql<{ server_version: string }>`show server_version`.execute(database.db);
    const { p50Ms, p99Ms } = latency(times);
    return {
      figures: { calls: LOOKUPS.calls, p50Us: round(p50Ms * 1000, 1), p99Us: round(p99Ms * 1000, 1) },
      version: rows[0]?.server_version ?? '?',
    };
  } finally {
    await database.close();
  }
}

async function measureOn(
  label: string,
  env: Record<string, string>,
  options: DatabaseOptions,
): Promise<DatabaseFigures> {
  const server = await startPortal(`convergenza (${label})`, env);
  await logins(server.url, LOGINS.warmup, 1);
  const sequential = await logins(server.url, LOGINS.sequential, 1);
  const parallel = await logins(server.url, LOGINS.parallel, LOGINS.concurrency);

  const url = server.url + PAGE_PATH;
  const cookie = { cookie: `${SESSION_COOKIE}=${sequential.session}` };
  await expectOk(url);
  if (!(await expectOk(url, cookie)).includes('Giulia Zanetti')) {
    throw new Error(`GET ${PAGE_PATH} with the session cookie does not show the signed-in citizen`);
  }
  const page = await pageLatency(url, cookie);
  const rounds = { anonymous: [] as Load[], signedIn: [] as Load[] };
  for (let r = 0; r < LOAD.rounds; r++) {
    rounds.anonymous.push(await load(url, LOAD));
    rounds.signedIn.push(await load(url, LOAD, cookie));
  }
  await stopServer(server.pid);

  const anonymousLoad = median(rounds.anonymous);
  const signedInLoad = median(rounds.signedIn);
  const lookup = await lookupCost(options);
  return {
    database: options.databaseUrl ? label : `PGlite (PostgreSQL ${lookup.version} in WebAssembly)`,
    logins: { sequential: sequential.series, parallel: parallel.series, hopP50Ms: sequential.hopP50Ms },
    page: {
      ...page,
      lookupP50Ms: round(page.signedIn.p50Ms - page.anonymous.p50Ms),
      anonymousLoad,
      signedInLoad,
      lookupServerUs: round(1e6 / signedInLoad.rps - 1e6 / anonymousLoad.rps, 1),
    },
    findSession: lookup.figures,
  };
}

function checks(runs: DatabaseFigures[]): Check[] {
  const goal = `< ${TARGET_MS} ms`;
  return runs.flatMap((r) => [
    {
      name: `findSession in-process p50, ${r.database}`,
      goal,
      measured: `${round(r.findSession.p50Us / 1000)} ms`,
      met: r.findSession.p50Us / 1000 < TARGET_MS,
    },
    {
      name: `signed-in page p50 − anonymous p50 over HTTP, ${r.database}`,
      goal,
      measured: `${r.page.lookupP50Ms} ms`,
      met: r.page.lookupP50Ms < TARGET_MS,
    },
  ]);
}

function markdown(f: LoginFigures): string {
  const m = f.machine;
  const s = f.settings;
  const about = [
    `Last run: ${f.date.slice(0, 16).replace('T', ' ')} UTC, \`npm run bench -- login\`.`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM; ${m.os}; Node ${m.node}.`,
    `- Databases: ${f.runs.map((r) => r.database).join('; ')}; on the same machine, over loopback.` +
      (f.runs.length < 2 ? ' PostgreSQL not measured: set BENCH_DATABASE_URL.' : ''),
    `- CPU busy with other work just before the run: ${f.cpuBusyBeforeLoadPct ?? 'n/a'}%.`,
    "- A login is the whole SPID round trip of a browser: `GET /accedi/spid` → the test provider's " +
      '`/auth` → its login page → `POST` of the chosen person → resume → `/accedi/oidc/callback` → 303 ' +
      `with the session cookie: 6 requests, ${s.logins.warmup} warm-up logins, then ` +
      `${s.logins.sequential} one after the other and ${s.logins.parallel} by ${s.logins.concurrency} ` +
      'clients at once. Times are measured by the client (Node fetch, keep-alive, cookie jar) on loopback: ' +
      "they include every hop and the client's own work, so they are an upper bound of server time. " +
      "The callback includes the relying party's calls to the provider (token with private_key_jwt, " +
      'signed and encrypted userinfo), the user upsert, the session and the audit event.',
    `- Session lookup: \`GET ${s.pagePath}\` with and without the session cookie, both rendered on every ` +
      `request; ${s.latency.requests} requests each on one connection in ${s.latency.blocks} interleaved ` +
      `blocks, then autocannon (${s.load.connections} connections, ${s.load.durationS} s, ` +
      `${s.load.rounds} interleaved rounds, median round). A signed-in request runs one indexed SELECT ` +
      "on `sessions` (an UPDATE of `last_seen_at` at most once a minute) and renders the user's name " +
      "in the header. `findSession` in-process: the same function called in the benchmark's process on " +
      "the server's database after the server stopped.",
  ].join('\n');
  const ms = (l: Latency) => [l.p50Ms, l.p99Ms];
  return `${about}

${table(
  ['database', 'logins', 'clients', 'logins/s', 'p50 ms', 'p99 ms'],
  f.runs.flatMap((r) =>
    [r.logins.sequential, r.logins.parallel].map((l) => [
      r.database,
      l.logins,
      l.concurrency,
      l.perSecond,
      ...ms(l),
    ]),
  ),
  ['l', 'r', 'r', 'r', 'r', 'r'],
)}

Where a login's time goes (p50 per hop, one client, ms):

${table(
  ['database', ...HOPS],
  f.runs.map((r) => [r.database, ...HOPS.map((hop) => r.logins.hopP50Ms[hop])]),
  ['l', ...HOPS.map(() => 'r' as const)],
)}

${table(
  [
    'database',
    'anonymous p50 / p99 ms',
    'signed-in p50 / p99 ms',
    'lookup p50 ms',
    'anonymous req/s',
    'signed-in req/s',
    'lookup µs per request at saturation',
  ],
  f.runs.map((r) => [
    r.database,
    ms(r.page.anonymous).join(' / '),
    ms(r.page.signedIn).join(' / '),
    r.page.lookupP50Ms,
    r.page.anonymousLoad.rps,
    r.page.signedInLoad.rps,
    r.page.lookupServerUs,
  ]),
  ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

${table(
  ['`findSession` in-process', 'calls', 'p50 µs', 'p99 µs'],
  f.runs.map((r) => [r.database, r.findSession.calls, r.findSession.p50Us, r.findSession.p99Us]),
  ['l', 'r', 'r', 'r'],
)}

${table(
  ['target', 'goal', 'measured', 'met'],
  f.targets.map((c) => [c.name, c.goal, c.measured, c.met ? 'yes' : '**no**']),
  ['l', 'r', 'r', 'l'],
)}

Targets met: ${f.targetsMet}.`;
}

export async function run(): Promise<LoginFigures> {
  const serverUrl = testEnv('BENCH_DATABASE_URL');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'convergenza-bench-'));
  try {
    const cpuBusyBeforeLoad = await cpuBusyPct();
    const runs = [await measureOn('embedded', { DATA_DIR: dataDir }, { databaseUrl: null, dataDir })];
    if (serverUrl) {
      const database = await recreateDatabase(serverUrl, BENCH_DB);
      const options = { databaseUrl: database.url, dataDir: null, poolSize: 2 };
      runs.push(await measureOn(database.version, { DATABASE_URL: database.url }, options));
    }
    const targets = checks(runs);
    const figures: LoginFigures = {
      benchmark: 'login',
      date: new Date().toISOString(),
      machine: machine(),
      cpuBusyBeforeLoadPct: cpuBusyBeforeLoad,
      settings: { logins: LOGINS, pagePath: PAGE_PATH, latency: LATENCY, load: LOAD },
      runs,
      targets,
      targetsMet: `${targets.filter((c) => c.met).length}/${targets.length}`,
    };
    const file = writeSection('## Login', markdown(figures));
    const summary = runs.map(
      (r) =>
        `${r.database}: ${r.logins.sequential.perSecond} logins/s (p50 ${r.logins.sequential.p50Ms} ms, ` +
        `p99 ${r.logins.sequential.p99Ms} ms), ${r.logins.parallel.perSecond} logins/s by ` +
        `${LOGINS.concurrency}, session lookup +${r.page.lookupP50Ms} ms p50 over HTTP, ` +
        `findSession p50 ${r.findSession.p50Us} µs`,
    );
    console.log(`login: ${summary.join('; ')}; targets met ${figures.targetsMet} → ${file}`);
    console.log(JSON.stringify(figures));
    return figures;
  } finally {
    await stopAll();
    if (serverUrl) await dropDatabase(serverUrl, BENCH_DB).catch(() => {});
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
