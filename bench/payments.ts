// Payments benchmark: notice numbers allocated per second by 20 concurrent writers (and checked
// unique), debt positions created per second by 20 writers, payment notice and receipt PDFs per second,
// and receipts reconciled per second — in-process, and over HTTP to the notification endpoint with 16
// concurrent senders. Needs a PostgreSQL server (BENCH_DATABASE_URL): its database
// convergenza_bench_payments is recreated. Target: ≥ 500 receipts reconciled per second.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { testEnv } from '../src/config.ts';
import { recordReceipt } from '../src/modules/payments/index.ts';
import { reserveIuvBases } from '../src/modules/payments/payments.repo.ts';
import { measureDocumentRendering } from '../src/modules/payments/pdf-speed.ts';
import { withTenant } from '../src/platform/db/tenant.ts';
import { dropDatabase, recreateDatabase, startPortal } from './lib/convergenza.ts';
import {
  createPositions,
  type PaymentsFixture,
  preparePayments,
  receiptFor,
  runId,
} from './lib/payments-fixture.ts';
import { stopAll } from './lib/processes.ts';
import {
  type Check,
  cpuBusyPct,
  type Latency,
  latency,
  machine,
  round,
  table,
  writeSection,
} from './lib/report.ts';

const DB_NAME = 'convergenza_bench_payments';
const WRITERS = 20;
const NOTICES_PER_WRITER = 100;
const POSITIONS_PER_WRITER = 25;
const RECEIPTS = 2000;
const SENDERS = 16;
const WARMUP = 300;
/** The server's connections to PostgreSQL: each receipt holds one until its commit. */
const POOL = Number(process.env.BENCH_POOL ?? 20);
const IN_PROCESS_CONCURRENCY = 8;
const PDFS = 100;
const TARGET_RECEIPTS_PER_S = 500;

/** Runs `work(i)` for i in 0..count-1 with `concurrency` workers; returns per-call durations (ms). */
async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0;
  const samples: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await work(i);
        samples.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: round(count / ((performance.now() - started) / 1000)), latency: latency(samples) };
}

async function noticeNumbers(fixture: PaymentsFixture) {
  const bases: number[] = [];
  const result = await pool(WRITERS * NOTICES_PER_WRITER, WRITERS, async () => {
    await withTenant(fixture.database.db, fixture.enteId, async (trx) => {
      bases.push(await reserveIuvBases(trx, fixture.enteId, '01', 1));
    });
  });
  return { ...result, unique: new Set(bases).size === bases.length, allocated: bases.length };
}

async function positions(fixture: PaymentsFixture) {
  const started = performance.now();
  const created = (
    await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        createPositions(fixture, POSITIONS_PER_WRITER, `bench-${w}`, 5),
      ),
    )
  ).flat();
  const iuvs = new Set(created.map((p) => p.iuv));
  return {
    perSecond: round(created.length / ((performance.now() - started) / 1000)),
    unique: iuvs.size === created.length,
  };
}

async function receiptsInProcess(fixture: PaymentsFixture) {
  const targets = await createPositions(fixture, RECEIPTS, 'bench-inprocess');
  const run = `I${runId()}`;
  const bodies = targets.map((p) => receiptFor(fixture, p, run));
  return pool(bodies.length, IN_PROCESS_CONCURRENCY, async (i) => {
    await recordReceipt(fixture.database.db, bodies[i]!, 'notification');
  });
}

async function receiptsOverHttp(fixture: PaymentsFixture, databaseUrl: string) {
  const targets = await createPositions(fixture, WARMUP + RECEIPTS, 'bench-http');
  const run = `H${runId()}`;
  const bodies = targets.map((p) => receiptFor(fixture, p, run));
  const key = randomBytes(24).toString('base64url');
  const server = await startPortal('server', {
    DATABASE_URL: databaseUrl,
    DEMO_SEED: 'none',
    SANDBOX: 'true',
    JOBS_WORKER: 'false',
    PAGOPA_NOTIFICATION_KEY: key,
    DATABASE_POOL_SIZE: String(POOL),
  });
  // autocannon as the client (lighter than fetch on the same two cores), a different receipt each time;
  // the first WARMUP receipts bring the server to its steady state and are not counted.
  const send = async (batch: string[]) => {
    let next = 0;
    const result = await autocannon({
      url: server.url,
      connections: SENDERS,
      amount: batch.length,
      requests: [
        {
          method: 'POST',
          path: '/api/v1/payments/receipts',
          headers: { 'content-type': 'application/xml', 'x-notification-key': key },
          setupRequest: (request) => ({ ...request, body: batch[next++ % batch.length] }),
        },
      ],
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`the receipt endpoint answered ${result.non2xx} non-2xx and ${result.errors} errors`);
    }
    return result;
  };
  await send(bodies.slice(0, WARMUP));
  // autocannon ends a fixed amount on its one-second tick: the time is taken from the database instead,
  // when the last receipt is there.
  const recorded = async () =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from payment_receipts where receipt_id like ${`${run}%`}`.execute(
          fixture.database.db,
        )
      ).rows[0]!.n,
    );
  const before = await recorded();
  const started = performance.now();
  const sending = send(bodies.slice(WARMUP));
  while ((await recorded()) < before + bodies.length - WARMUP) await sleep(10);
  const seconds = (performance.now() - started) / 1000;
  const result = await sending;
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from payment_receipts where receipt_id like ${`${run}%`}`.execute(
    fixture.database.db,
  );
  return {
    perSecond: round((bodies.length - WARMUP) / seconds),
    latency: { p50Ms: result.latency.p50, p99Ms: result.latency.p99 },
    recorded: Number(rows[0]!.n),
  };
}

export async function run(): Promise<unknown> {
  const serverUrl = testEnv('BENCH_DATABASE_URL');
  if (!serverUrl) throw new Error('the payments benchmark needs BENCH_DATABASE_URL (a PostgreSQL server)');
  const { url: databaseUrl, version } = await recreateDatabase(serverUrl, DB_NAME);
  const fixture = await preparePayments(databaseUrl, WRITERS);
  try {
    const cpuBusyBeforePct = await cpuBusyPct();
    const notices = await noticeNumbers(fixture);
    const created = await positions(fixture);
    const rendered = await measureDocumentRendering(PDFS);
    const pdfs = {
      noticesPerSecond: round(rendered.noticesPerSecond),
      noticesWithPostalPerSecond: round(rendered.noticesWithPostalPerSecond),
      receiptsPerSecond: round(rendered.receiptsPerSecond),
    };
    const inProcess = await receiptsInProcess(fixture);
    const http = await receiptsOverHttp(fixture, databaseUrl);
    const figures = {
      database: version,
      machine: machine(),
      cpuBusyBeforePct,
      notices,
      created,
      pdfs,
      inProcess,
      http,
    };
    const checks: Check[] = [
      {
        name: 'receipts reconciled per second (HTTP, PostgreSQL)',
        goal: `≥ ${TARGET_RECEIPTS_PER_S}/s`,
        measured: `${http.perSecond}/s`,
        met: http.perSecond >= TARGET_RECEIPTS_PER_S,
      },
      {
        name: 'notice numbers unique under 20 writers',
        goal: 'no duplicate',
        measured: notices.unique ? 'none' : 'DUPLICATES',
        met: notices.unique,
      },
    ];
    writeSection('## Payments', markdown(figures, checks));
    console.log(
      `payments: ${notices.perSecond} notice numbers/s (20 writers, unique: ${notices.unique}), ${created.perSecond} positions/s, ` +
        `${pdfs.noticesPerSecond} notice PDFs/s, receipts ${inProcess.perSecond}/s in-process, ${http.perSecond}/s over HTTP`,
    );
    console.log(JSON.stringify({ bench: 'payments', ...figures, checks }));
    return figures;
  } finally {
    await stopAll();
    await fixture.database.close();
    await dropDatabase(serverUrl, DB_NAME).catch(() => {});
  }
}

function markdown(
  f: {
    database: string;
    cpuBusyBeforePct: number | null;
    notices: { perSecond: number; latency: Latency; allocated: number };
    created: { perSecond: number };
    pdfs: Awaited<ReturnType<typeof measureDocumentRendering>>;
    inProcess: { perSecond: number; latency: Latency };
    http: { perSecond: number; latency: Latency; recorded: number };
  },
  checks: Check[],
): string {
  return [
    `\`npm run bench -- payments\` on ${f.database} (same machine, loopback; the server's pool: ${POOL} connections, ` +
      `\`DATABASE_POOL_SIZE\`; CPU busy before: ${f.cpuBusyBeforePct ?? '?'} %).`,
    '',
    table(
      ['what', 'per second', 'p50 ms', 'p99 ms'],
      [
        [
          `notice numbers, ${WRITERS} concurrent writers (one transaction each, ${f.notices.allocated} allocated)`,
          f.notices.perSecond,
          f.notices.latency.p50Ms,
          f.notices.latency.p99Ms,
        ],
        [
          `debt positions created, ${WRITERS} writers (validation, IUV, transfers, GPD job, audit)`,
          f.created.perSecond,
          '',
          '',
        ],
        ['payment notice PDFs (one process)', f.pdfs.noticesPerSecond, '', ''],
        ['payment notice PDFs with the postal DataMatrix', f.pdfs.noticesWithPostalPerSecond, '', ''],
        ['receipt PDFs', f.pdfs.receiptsPerSecond, '', ''],
        [
          `receipts reconciled in-process, ${IN_PROCESS_CONCURRENCY} concurrent`,
          f.inProcess.perSecond,
          f.inProcess.latency.p50Ms,
          f.inProcess.latency.p99Ms,
        ],
        [
          `receipts reconciled over HTTP, ${SENDERS} senders, after ${WARMUP} warm-up (${f.http.recorded} recorded)`,
          f.http.perSecond,
          f.http.latency.p50Ms,
          f.http.latency.p99Ms,
        ],
      ],
      ['l', 'r', 'r', 'r'],
    ),
    '',
    ...checks.map(
      (c) => `- ${c.name}: goal ${c.goal}, measured ${c.measured} — **${c.met ? 'met' : 'missed'}**`,
    ),
  ].join('\n');
}
