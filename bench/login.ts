// Login benchmark: full SPID OpenID Connect logins against the embedded test provider over loopback
// (logins per second, time per login), and what the session lookup adds to a signed-in page, over
// HTTP and in-process (findSession). Always on embedded PGlite; also on PostgreSQL when
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
import { HOPS, type Hop, type LoginSeries, loginSeries } from './lib/oidc-login.ts';
import { stopAll, stopServer } from './lib/processes.ts';
import {
  type Check,
  cpuBusyPct,
  type Latency,
  type Load,
  latency,
  load,
  type Machine,
  machine,
  round,
  table,
  writeSection,
} from './lib/report.ts';
import { serverCounters, spent } from './lib/server-metrics.ts';

const BENCH_DB = 'convergenza_bench_login';
const LOGINS = { warmup: 20, sequential: 200, parallel: 200, concurrency: 4 };
// Any query parameter other than lang or q makes the portal render the page instead of reusing it, and
// signed-in pages are never cached: with `x`, both variants are rendered on every request.
const PAGE_PATH = '/jesolo/servizi?x=1';
const PAGE_ROUTE = ['GET /:slug/servizi 200'];
/** Sequential requests on one keep-alive connection, anonymous and signed-in blocks interleaved. */
const LATENCY = { requests: 2000, blocks: 10 };
const LOAD = { connections: 10, warmupS: 2, durationS: 5, rounds: 3 };
const LOOKUPS = { warmup: 500, calls: 10_000 };
const TARGET_MS = 0.3;

type PageLatency = Latency & { serverMeanMs: number };

interface DatabaseFigures {
  database: string;
  /** CPU busy on the whole machine just before this database's run: other work makes figures low. */
  cpuBusyBeforePct: number | null;
  logins: { sequential: LoginSeries; parallel: LoginSeries; hopP50Ms: Record<Hop, number> };
  page: {
    anonymous: PageLatency;
    signedIn: PageLatency;
    /** Signed-in p50 minus anonymous p50, measured by the client; one connection, no other load. */
    lookupP50Ms: number;
    /** The same difference in the server's mean time per request (its own metrics). */
    lookupServerMeanMs: number;
    anonymousLoad: Load;
    signedInLoad: Load;
    /** 1/(req/s) signed in minus 1/(req/s) anonymous at saturation; PostgreSQL's CPU shares the cores. */
    lookupAtSaturationUs: number;
  };
  findSession: { calls: number; p50Us: number; p99Us: number };
}

export interface LoginFigures {
  benchmark: 'login';
  date: string;
  machine: Machine;
  settings: { logins: typeof LOGINS; pagePath: string; latency: typeof LATENCY; load: typeof LOAD };
  runs: DatabaseFigures[];
  targets: Check[];
  targetsMet: string;
}

async function timedGet(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}, not 200`);
  return performance.now() - started;
}

async function pageLatency(base: string, cookie: Record<string, string>) {
  const variants = { anonymous: {}, signedIn: cookie };
  const samples = { anonymous: [] as number[], signedIn: [] as number[] };
  const serverMs = { anonymous: 0, signedIn: 0 };
  const perBlock = LATENCY.requests / LATENCY.blocks;
  // Block -1 warms both variants up and is not kept.
  for (let block = -1; block < LATENCY.blocks; block++) {
    for (const kind of ['anonymous', 'signedIn'] as const) {
      const before = await serverCounters(base);
      for (let i = 0; i < perBlock; i++) {
        const ms = await timedGet(base + PAGE_PATH, variants[kind]);
        if (block >= 0) samples[kind].push(ms);
      }
      if (block >= 0) serverMs[kind] += spent(before, await serverCounters(base), PAGE_ROUTE).ms;
    }
  }
  const figures = (kind: 'anonymous' | 'signedIn'): PageLatency => ({
    ...latency(samples[kind]),
    serverMeanMs: round(serverMs[kind] / samples[kind].length),
  });
  return { anonymous: figures('anonymous'), signedIn: figures('signedIn') };
}

/** findSession called in this process on the server's database, after the server has stopped. */
async function lookupCost(options: DatabaseOptions) {
  const database = await openDatabase(options);
  try {
    await migrate(database); // nothing left to apply: the server migrated it
    const principal = { subject: 'bench', displayName: 'Bench', grants: [] };
    const { token } = await createSession(database.db, { principal, method: 'bench' });
    const times: number[] = [];
    for (let i = 0; i < LOOKUPS.warmup + LOOKUPS.calls; i++) {
      const started = performance.now();
      const found = await findSession(database.db, token);
      const ms = performance.now() - started;
      if (!found) throw new Error('findSession did not find the session just created');
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
  const cpuBusyBeforePct = await cpuBusyPct();
  const server = await startPortal(`convergenza (${label})`, env);
  await loginSeries(server.url, LOGINS.warmup, 1);
  const sequential = await loginSeries(server.url, LOGINS.sequential, 1);
  const parallel = await loginSeries(server.url, LOGINS.parallel, LOGINS.concurrency);

  const url = server.url + PAGE_PATH;
  const cookie = { cookie: `${SESSION_COOKIE}=${sequential.session}` };
  await expectOk(url);
  if (!(await expectOk(url, cookie)).includes('Giulia Zanetti')) {
    throw new Error(`GET ${PAGE_PATH} with the session cookie does not show the signed-in citizen`);
  }
  const page = await pageLatency(server.url, cookie);
  const rounds = { anonymous: [] as Load[], signedIn: [] as Load[] };
  for (let r = 0; r < LOAD.rounds; r++) {
    rounds.anonymous.push(await load(url, LOAD));
    rounds.signedIn.push(await load(url, LOAD, cookie));
  }
  await stopServer(server.pid);
  if ([...rounds.anonymous, ...rounds.signedIn].some((l) => l.non2xx + l.errors > 0)) {
    throw new Error(`GET ${PAGE_PATH} under load answered with errors: ${JSON.stringify(rounds)}`);
  }

  const anonymousLoad = median(rounds.anonymous);
  const signedInLoad = median(rounds.signedIn);
  const lookup = await lookupCost(options);
  return {
    database: options.databaseUrl ? label : `PGlite (PostgreSQL ${lookup.version} in WebAssembly)`,
    cpuBusyBeforePct,
    logins: { sequential: sequential.series, parallel: parallel.series, hopP50Ms: sequential.hopP50Ms },
    page: {
      ...page,
      lookupP50Ms: round(page.signedIn.p50Ms - page.anonymous.p50Ms),
      lookupServerMeanMs: round(page.signedIn.serverMeanMs - page.anonymous.serverMeanMs),
      anonymousLoad,
      signedInLoad,
      lookupAtSaturationUs: round(1e6 / signedInLoad.rps - 1e6 / anonymousLoad.rps, 1),
    },
    findSession: lookup.figures,
  };
}

function checks(runs: DatabaseFigures[]): Check[] {
  const goal = `< ${TARGET_MS} ms`;
  const check = (name: string, ms: number): Check => ({
    name,
    goal,
    measured: `${ms} ms`,
    met: ms < TARGET_MS,
  });
  return runs.flatMap((r) => [
    check(`findSession in-process p50, ${r.database}`, round(r.findSession.p50Us / 1000)),
    check(`signed-in page p50 − anonymous p50 over HTTP, ${r.database}`, r.page.lookupP50Ms),
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
    `- CPU busy with other work just before each run: ${f.runs.map((r) => `${r.cpuBusyBeforePct ?? 'n/a'}%`).join(', ')}.`,
    "- A login is a browser's whole SPID round trip: `GET /accedi/spid` → the test provider's `/auth` → " +
      'its login page → `POST` of the chosen person → resume → `/accedi/oidc/callback` → 303 with the ' +
      `session cookie. ${s.logins.warmup} warm-up logins, then ${s.logins.sequential} one after the other ` +
      `and ${s.logins.parallel} by ${s.logins.concurrency} clients at once. Round trip: measured by the ` +
      "client (Node fetch, keep-alive, cookie jar), every hop and the client's own work included. Server " +
      "time: the six requests' durations from the server's own `http_request_duration_seconds` (mean per " +
      "login). The callback includes the platform's calls to the provider (token with private_key_jwt, " +
      'signed and encrypted userinfo), the user upsert, the session and the audit event.',
    `- Session lookup: \`GET ${s.pagePath}\` with and without the session cookie, both rendered on every ` +
      `request: ${s.latency.requests} requests each on one connection in ${s.latency.blocks} interleaved ` +
      `blocks, then autocannon (${s.load.connections} connections, ${s.load.durationS} s, ` +
      `${s.load.rounds} interleaved rounds, median round). A signed-in request adds one SELECT by primary ` +
      "key on `sessions` (an UPDATE of `last_seen_at` at most once a minute) and the user's name in the " +
      "header. `findSession` in-process: the function alone, called in the benchmark's process on the " +
      "server's database after the server stopped.",
  ].join('\n');
  const loginRow = (database: string, l: LoginSeries) => [
    database,
    l.logins,
    l.concurrency,
    l.perSecond,
    l.p50Ms,
    l.p99Ms,
    l.serverMeanMs,
  ];
  const page = (l: PageLatency) => `${l.p50Ms} / ${l.p99Ms} / ${l.serverMeanMs}`;
  return `${about}

${table(
  ['database', 'logins', 'clients', 'logins/s', 'round trip p50 ms', 'p99 ms', 'server mean ms'],
  f.runs.flatMap((r) => [loginRow(r.database, r.logins.sequential), loginRow(r.database, r.logins.parallel)]),
  ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

Where a login's time goes (round trip p50 per hop, one client, ms):

${table(
  ['database', ...HOPS],
  f.runs.map((r) => [r.database, ...HOPS.map((hop) => r.logins.hopP50Ms[hop])]),
  ['l', ...HOPS.map(() => 'r' as const)],
)}

${table(
  [
    'session lookup',
    'anonymous p50 / p99 / server mean ms',
    'signed-in p50 / p99 / server mean ms',
    'added p50 ms',
    'added server mean ms',
    'req/s anonymous → signed-in',
    'added µs per request at saturation',
  ],
  f.runs.map((r) => [
    r.database,
    page(r.page.anonymous),
    page(r.page.signedIn),
    r.page.lookupP50Ms,
    r.page.lookupServerMeanMs,
    `${r.page.anonymousLoad.rps} → ${r.page.signedInLoad.rps}`,
    r.page.lookupAtSaturationUs,
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
      settings: { logins: LOGINS, pagePath: PAGE_PATH, latency: LATENCY, load: LOAD },
      runs,
      targets,
      targetsMet: `${targets.filter((c) => c.met).length}/${targets.length}`,
    };
    const file = writeSection('## Login', markdown(figures));
    const summary = runs.map((r) => {
      const l = r.logins.sequential;
      return (
        `${r.database}: ${l.perSecond} logins/s (p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, server ` +
        `${l.serverMeanMs} ms), ${r.logins.parallel.perSecond} logins/s by ${LOGINS.concurrency}, ` +
        `session lookup +${r.page.lookupP50Ms} ms p50 over HTTP, findSession p50 ${r.findSession.p50Us} µs`
      );
    });
    console.log(`login: ${summary.join('; ')}; targets met ${figures.targetsMet} → ${file}`);
    console.log(JSON.stringify(figures));
    return figures;
  } finally {
    await stopAll();
    if (serverUrl) await dropDatabase(serverUrl, BENCH_DB).catch(() => {});
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
