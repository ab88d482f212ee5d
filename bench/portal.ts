// Portal benchmark: a bare Fastify route (the ceiling on this machine), an ente home page and
// GET /api/v1/enti under the same load, the embedded first start and resident memory after start.
// Needs a PostgreSQL server: BENCH_DATABASE_URL (its database convergenza_bench is dropped and recreated).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testEnv } from '../src/config.ts';
import { freePort } from '../test/free-port.ts';
import {
  dropDatabase,
  expectOk,
  median,
  recreateDatabase,
  searchPath,
  startPortal,
} from './lib/convergenza.ts';
import { rssMb, type Server, startServer, stopAll, stopServer } from './lib/processes.ts';
import {
  type Check,
  cpuBusyPct,
  type Load,
  load,
  type Machine,
  machine,
  ROOT,
  table,
  writeSection,
} from './lib/report.ts';

const BENCH_DB = 'convergenza_bench';
const LOAD = { connections: 50, warmupS: 3, durationS: 10, rounds: 3 };
const HOME_PATH = '/jesolo';
const API_PATH = '/api/v1/enti';
// Any query parameter other than lang or q makes the portal render the page instead of reusing it.
const HOME_RENDERED_PATH = '/jesolo?render=each';
const TARGETS = { homeShare: 0.15, homeP99Ms: 25, apiShare: 0.3, embeddedStartMs: 20_000, rssMb: 250 };

const NO_DATABASE = `the portal benchmark needs a PostgreSQL server: set BENCH_DATABASE_URL, e.g.
  pg_ctlcluster 15 main start        # as root, Debian's postgresql package
  BENCH_DATABASE_URL=postgres://postgres:PASSWORD@127.0.0.1:5432/postgres npm run bench -- portal
(the role must be allowed to create databases; ${BENCH_DB} is dropped and recreated)`;

export interface PortalFigures {
  benchmark: 'portal';
  date: string;
  machine: Machine & { postgres: string };
  load: typeof LOAD;
  /** CPU busy on the whole machine just before the load: other work there makes the figures low. */
  cpuBusyBeforeLoadPct: number | null;
  bare: Load;
  home: Load;
  /** The same page rendered on every request (outside the page cache), for reference. */
  homeRendered: Load;
  api: Load;
  share: { home: number; api: number };
  embeddedStartMs: number;
  /** A later start on the same data directory: no database creation, no seed. */
  embeddedRestartMs: number;
  rssMb: {
    embedded: number | null;
    embeddedRestart: number | null;
    postgres: number | null;
    postgresAfterLoad: number | null;
  };
  targets: Check[];
  targetsMet: string;
}

async function measure(server: Server, urlPath: string): Promise<Load> {
  await expectOk(server.url + urlPath);
  return load(server.url + urlPath, LOAD);
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

function checks(f: Omit<PortalFigures, 'targets' | 'targetsMet'>): Check[] {
  const rss = (label: string, mb: number | null): Check => ({
    name: `RSS after start, ${label}`,
    goal: `< ${TARGETS.rssMb} MB`,
    measured: mb === null ? 'n/a' : `${mb} MB`,
    met: mb !== null && mb < TARGETS.rssMb,
  });
  return [
    {
      name: 'home page req/s ÷ bare',
      goal: `≥ ${pct(TARGETS.homeShare)}`,
      measured: pct(f.share.home),
      met: f.share.home >= TARGETS.homeShare,
    },
    {
      name: 'home page p99',
      goal: `< ${TARGETS.homeP99Ms} ms`,
      measured: `${f.home.p99Ms} ms`,
      met: f.home.p99Ms < TARGETS.homeP99Ms,
    },
    {
      name: 'API req/s ÷ bare',
      goal: `≥ ${pct(TARGETS.apiShare)}`,
      measured: pct(f.share.api),
      met: f.share.api >= TARGETS.apiShare,
    },
    {
      name: 'embedded first start',
      goal: `< ${TARGETS.embeddedStartMs / 1000} s`,
      measured: `${(f.embeddedStartMs / 1000).toFixed(1)} s`,
      met: f.embeddedStartMs < TARGETS.embeddedStartMs,
    },
    rss('embedded', f.rssMb.embedded),
    rss('PostgreSQL', f.rssMb.postgres),
  ];
}

function markdown(f: PortalFigures): string {
  const m = f.machine;
  const row = (name: string, l: Load) => [name, l.rps, l.p50Ms, l.p99Ms, l.requests, l.non2xx, l.errors];
  const mb = (value: number | null) => (value === null ? 'n/a' : `${value} MB`);
  const about = [
    `Last run: ${f.date.slice(0, 16).replace('T', ' ')} UTC, \`npm run bench -- portal\`.`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM; ${m.os}; Node ${m.node}.`,
    `- Database: ${m.postgres} on the same machine, over loopback.`,
    `- Load: autocannon, ${f.load.connections} connections, ${f.load.warmupS} s warm-up, then ` +
      `${f.load.durationS} s per target, ${f.load.rounds} interleaved rounds, the median round reported; ` +
      'the load generator, the server and PostgreSQL share the CPUs.',
    `- CPU busy with other work just before the load: ${f.cpuBusyBeforeLoadPct ?? 'n/a'}% ` +
      '(more than a few % makes the figures low).',
    '- Anonymous public pages and public registry answers come from the in-process cache that every change ' +
      'clears (docs/adr/0005-caching.md); the "rendered on every request" row shows the page without it.',
  ].join('\n');
  return `${about}

${table(
  ['target', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors'],
  [
    row('bare Fastify `GET /` (ceiling)', f.bare),
    row(`ente home page \`GET ${HOME_PATH}\``, f.home),
    row(`the same, rendered on every request \`GET ${HOME_RENDERED_PATH}\``, f.homeRendered),
    row(`\`GET ${API_PATH}\``, f.api),
  ],
  ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

${table(
  ['start and memory', 'value'],
  [
    [
      'embedded first start: spawn → first 200 on /readyz (new PGlite database, migrations, demo seed)',
      `${(f.embeddedStartMs / 1000).toFixed(1)} s`,
    ],
    [
      'embedded restart on the same data directory: spawn → first 200 on /readyz',
      `${(f.embeddedRestartMs / 1000).toFixed(1)} s`,
    ],
    ['RSS right after the first start, embedded (PGlite)', mb(f.rssMb.embedded)],
    ['RSS right after the restart, embedded (PGlite)', mb(f.rssMb.embeddedRestart)],
    ['RSS right after start, PostgreSQL server', mb(f.rssMb.postgres)],
    ['RSS after the load, PostgreSQL server', mb(f.rssMb.postgresAfterLoad)],
  ],
  ['l', 'r'],
)}

${table(
  ['target', 'goal', 'measured', 'met'],
  f.targets.map((c) => [c.name, c.goal, c.measured, c.met ? 'yes' : '**no**']),
  ['l', 'r', 'r', 'l'],
)}

Targets met: ${f.targetsMet}.`;
}

export async function run(): Promise<PortalFigures> {
  const serverUrl = testEnv('BENCH_DATABASE_URL');
  if (!serverUrl) throw new Error(NO_DATABASE);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'convergenza-bench-'));
  try {
    const embedded = await startPortal('convergenza (embedded)', { DATA_DIR: dataDir });
    const embeddedRss = rssMb(embedded.pid);
    await stopServer(embedded.pid);
    const restarted = await startPortal('convergenza (embedded, restart)', { DATA_DIR: dataDir });
    const restartedRss = rssMb(restarted.pid);
    await stopServer(restarted.pid);

    const database = await recreateDatabase(serverUrl, BENCH_DB).catch((error: Error) => {
      throw new Error(`${error.message}\n${NO_DATABASE}`);
    });
    const portal = await startPortal('convergenza (PostgreSQL)', { DATABASE_URL: database.url });
    const portalRss = rssMb(portal.pid);

    const barePort = await freePort();
    const bareScript = path.join(ROOT, 'bench/lib/bare-server.ts');
    const bareServer = await startServer(
      'bare Fastify',
      ['--import', 'tsx', bareScript, String(barePort)],
      barePort,
      { PATH: searchPath() },
    );
    const cpuBusyBeforeLoad = await cpuBusyPct();
    // Rounds interleave the targets, so a slow spell of the machine weighs on all of them alike.
    const samples: Record<'bare' | 'home' | 'homeRendered' | 'api', Load[]> = {
      bare: [],
      home: [],
      homeRendered: [],
      api: [],
    };
    for (let round = 0; round < LOAD.rounds; round++) {
      samples.bare.push(await measure(bareServer, '/'));
      samples.home.push(await measure(portal, HOME_PATH));
      samples.homeRendered.push(await measure(portal, HOME_RENDERED_PATH));
      samples.api.push(await measure(portal, API_PATH));
    }
    await stopServer(bareServer.pid);
    const bare = median(samples.bare);
    const home = median(samples.home);
    const homeRendered = median(samples.homeRendered);
    const api = median(samples.api);

    const share = (l: Load) => Math.round((l.rps / bare.rps) * 1000) / 1000;
    const partial = {
      benchmark: 'portal' as const,
      date: new Date().toISOString(),
      machine: { ...machine(), postgres: database.version },
      load: LOAD,
      cpuBusyBeforeLoadPct: cpuBusyBeforeLoad,
      bare,
      home,
      homeRendered,
      api,
      share: { home: share(home), api: share(api) },
      embeddedStartMs: embedded.startMs,
      embeddedRestartMs: restarted.startMs,
      rssMb: {
        embedded: embeddedRss,
        embeddedRestart: restartedRss,
        postgres: portalRss,
        postgresAfterLoad: rssMb(portal.pid),
      },
    };
    const targets = checks(partial);
    const figures: PortalFigures = {
      ...partial,
      targets,
      targetsMet: `${targets.filter((c) => c.met).length}/${targets.length}`,
    };
    const file = writeSection('## Portal', markdown(figures));

    const busy =
      (cpuBusyBeforeLoad ?? 0) > 15
        ? ` (machine ${cpuBusyBeforeLoad}% busy before the load: figures low)`
        : '';
    console.log(
      [
        `portal: bare ${bare.rps} req/s`,
        `home ${home.rps} req/s (${pct(figures.share.home)}, p99 ${home.p99Ms} ms)`,
        `API ${api.rps} req/s (${pct(figures.share.api)}, p99 ${api.p99Ms} ms)`,
        `embedded start ${(embedded.startMs / 1000).toFixed(1)} s`,
        `RSS embedded ${embeddedRss} MB, PostgreSQL ${portalRss} MB`,
        `targets met ${figures.targetsMet} → ${file}${busy}`,
      ].join('; '),
    );
    console.log(JSON.stringify(figures));
    return figures;
  } finally {
    await stopAll();
    await dropDatabase(serverUrl, BENCH_DB).catch(() => {});
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
