// Certificates benchmark (issue 5): sealed registry certificates per second on this machine, and the
// unsealed PDF for comparison, in one run. In-process: the residence certificate of a demo citizen
// rendered unsealed and sealed (PAdES) one at a time in this thread, sealed on the render threads by
// 20 callers, and `requestCertificate` issuing exempt certificates for 20 concurrent callers (registry
// reads, number, render + seal, insert with the PDF, hash-chained audit event), beside the database
// writes of an issue alone. End to end: 20 clients, each a citizen logged in through the sandbox's SPID
// provider, issue exempt certificates through the personal area (the form, its POST, the PDF) against
// the server on PostgreSQL. Needs BENCH_DATABASE_URL: its database
// convergenza_bench_certificates is recreated. Target: ≥ 150 sealed certificates per second end to end,
// p95 < 100 ms.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig, testEnv } from '../src/config.ts';
import {
  renderCertificatePdf,
  sealedCertificatePdf,
  startCertificateRendering,
} from '../src/modules/certificates/certificate-pdf.ts';
import * as repo from '../src/modules/certificates/certificates.repo.ts';
import { findCertificate, requestCertificate, testCaPem } from '../src/modules/certificates/index.ts';
import { readPkcs12 } from '../src/modules/certificates/seal/pkcs12.ts';
import { verifySealedPdf } from '../src/modules/certificates/seal/verify.ts';
import { recordAudit, verifyAudit } from '../src/platform/audit/audit.ts';
import { withTenant } from '../src/platform/db/tenant.ts';
import { citizen, issueOverHttp } from './lib/certificate-journey.ts';
import { type CertificatesFixture, FAMILY, prepareCertificates } from './lib/certificates-fixture.ts';
import { dropDatabase, recreateDatabase, startPortal } from './lib/convergenza.ts';
import { type Cost, costOf, processCpuMs } from './lib/cpu-time.ts';
import type { KeepAliveClient } from './lib/keepalive-client.ts';
import { stopAll } from './lib/processes.ts';
import {
  type Check,
  cpuBusyPct,
  machine,
  type Percentiles,
  percentiles,
  round,
  table,
  writeSection,
} from './lib/report.ts';
import { serverCounters, spent } from './lib/server-metrics.ts';

const DB_NAME = 'convergenza_bench_certificates';
const CONCURRENCY = 20;
const SEQUENTIAL = 300;
const CONCURRENT = 600;
/**
 * Journeys before measuring: V8 keeps optimising the server's code for the first thousand or so (its
 * compiler threads were still busy after 100, a tenth of the CPU); a server runs for days, so the figure
 * is the steady state.
 */
const HTTP_WARMUP = 1500;
const HTTP_ISSUES = 3000;
/**
 * Measured rounds of HTTP_ISSUES: one round's rate varies by a few per cent from run to run on this
 * shared machine; the rate is the median round's, the latencies are those of every round's requests.
 */
const HTTP_ROUNDS = 3;
const HTTP_ALONE = 200;
const TARGET_PER_S = 150;
const TARGET_P95_MS = 100;
const EXEMPTION = 'PENSIONE';
/** Render threads of this process and of the server: the configuration's default unless set. */
const THREADS = String(
  loadConfig({ CERTIFICATES_RENDER_THREADS: testEnv('CERTIFICATES_RENDER_THREADS') })
    .certificatesRenderThreads,
);
const ROUTES = {
  form: 'GET /:slug/area-personale/certificati/nuovo 200',
  issue: 'POST /:slug/area-personale/certificati 303',
  pdf: 'GET /:slug/area-personale/certificati/:id/pdf 200',
} as const;

interface Rate {
  perSecond: number;
  latency: Percentiles;
}

/** Runs `work(i)` for i in 0..count-1 with `concurrency` callers; per-call durations in ms. */
async function concurrently(count: number, concurrency: number, work: (i: number) => Promise<void>) {
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
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: round(count / seconds, 1), latency: percentiles(samples) } satisfies Rate;
}

/** One at a time, after a warm-up (fonts parsed, seal opened, code compiled): a figure per core. */
async function oneAtATime(count: number, work: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 30; i++) await work(i);
  const started = performance.now();
  for (let i = 0; i < count; i++) await work(i);
  return round(count / ((performance.now() - started) / 1000), 1);
}

const exemptRequest = (f: CertificatesFixture, i: number) => ({
  enteId: f.enteId,
  requester: { kind: 'citizen' as const, userId: 'bench:giulia', fiscalCode: FAMILY[0] },
  subjectFiscalCode: FAMILY[i % FAMILY.length]!,
  type: 'residenza',
  exemptionCode: EXEMPTION,
  channel: 'online' as const,
});

/**
 * An exempt issue's database writes alone, as `requestCertificate` makes them: the number in its own
 * transaction, then the row with the PDF and the audit event in one (the ente's audit chain and
 * counter are the serialised parts); rows copied from a certificate issued by the service.
 */
async function databaseWrites(f: CertificatesFixture): Promise<Rate> {
  const { id } = await requestCertificate(f.deps, exemptRequest(f, 0));
  const template = (await findCertificate(f.deps.db, f.enteId, id))!;
  const year = Number(template.number.slice(5, 9));
  return concurrently(CONCURRENT, CONCURRENCY, async () => {
    const n = await withTenant(f.deps.db, f.enteId, (trx) => repo.nextNumber(trx, f.enteId, year));
    const number = `CERT-${year}-${String(n).padStart(6, '0')}`;
    const row = {
      ...template,
      id: randomUUID(),
      number,
      verification_code: n.toString(16).padStart(12, '0'),
    };
    await withTenant(f.deps.db, f.enteId, async (trx) => {
      await repo.insertCertificate(trx, row);
      await recordAudit(trx, {
        enteId: f.enteId,
        actor: 'bench:giulia',
        action: 'certificate.issue',
        targetType: 'certificate',
        targetId: row.id,
        content: { number: row.number, type: row.type, channel: row.channel, exemption: EXEMPTION },
      });
    });
  });
}

/** Statements and transactions an exempt issue sends to the database (mean of `count` issues). */
async function roundTrips(f: CertificatesFixture, count = 10) {
  const client = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = client.query;
  let statements = 0;
  let transactions = 0;
  client.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
    statements++;
    // `begin`, or on PostgreSQL `begin; select set_config(…)` (the tenant entered with it).
    if (/^begin\b/i.test(text?.trim() ?? '')) transactions++;
    return query.apply(this, args);
  };
  try {
    for (let i = 0; i < count; i++) await requestCertificate(f.deps, exemptRequest(f, i));
  } finally {
    client.query = query;
  }
  return { statements: round(statements / count, 1), transactions: round(transactions / count, 1) };
}

async function inProcess(f: CertificatesFixture) {
  const unsealedPerSecond = await oneAtATime(SEQUENTIAL, (i) => renderCertificatePdf(f.document(i)));
  const sealedPerSecond = await oneAtATime(SEQUENTIAL, (i) => sealedCertificatePdf(f.document(i), f.seal));
  const stop = startCertificateRendering(Number(THREADS));
  try {
    // Starts the threads (they start with the first call) and warms them up.
    await concurrently(CONCURRENCY * 4, CONCURRENCY, async (i) => {
      await sealedCertificatePdf(f.document(i), f.seal);
    });
    const sealedOnThreads = await costOf(f.databaseUrl, CONCURRENT, () =>
      concurrently(CONCURRENT, CONCURRENCY, async (i) => {
        await sealedCertificatePdf(f.document(i), f.seal);
      }),
    );
    const issues = await costOf(f.databaseUrl, CONCURRENT, () =>
      concurrently(CONCURRENT, CONCURRENCY, async (i) => {
        await requestCertificate(f.deps, exemptRequest(f, i));
      }),
    );
    const writes = await costOf(f.databaseUrl, CONCURRENT, () => databaseWrites(f));
    return {
      unsealedPerSecond,
      sealedPerSecond,
      sealedOnThreads: { ...sealedOnThreads.result, cpu: sealedOnThreads.cost },
      issues: { ...issues.result, cpu: issues.cost },
      writes: { ...writes.result, cpu: writes.cost },
      perIssue: await roundTrips(f),
    };
  } finally {
    await stop();
  }
}

async function overHttp(f: CertificatesFixture) {
  const server = await startPortal('server', {
    DATABASE_URL: f.databaseUrl,
    DATABASE_POOL_SIZE: String(CONCURRENCY),
    SANDBOX: 'true',
    JOBS_WORKER: 'false',
    CERTIFICATES_RENDER_THREADS: THREADS,
  });
  const agents: KeepAliveClient[] = [];
  for (let i = 0; i < CONCURRENCY; i++) agents.push(await citizen(server.url));
  const run = async (count: number, clients = agents) => {
    let next = 0;
    const issues: number[] = [];
    const journeys: number[] = [];
    let last: Buffer | null = null;
    const started = performance.now();
    await Promise.all(
      clients.map(async (agent) => {
        for (let i = next++; i < count; i = next++) {
          const t = performance.now();
          const { issueMs, pdf } = await issueOverHttp(agent, FAMILY[i % FAMILY.length]!, EXEMPTION);
          journeys.push(performance.now() - t);
          issues.push(issueMs);
          last = pdf;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      perSecond: round(count / seconds, 1),
      issues,
      journeys,
      issue: percentiles(issues),
      journey: percentiles(journeys),
      last: last as Buffer | null,
    };
  };
  try {
    await run(HTTP_WARMUP);
    // Unloaded: one citizen at a time, the latency without queueing.
    const alone = await run(HTTP_ALONE, agents.slice(0, 1));
    const before = await serverCounters(server.url);
    const client = processCpuMs(process.pid);
    const { result: measured, cost } = await costOf(
      f.databaseUrl,
      HTTP_ISSUES * HTTP_ROUNDS,
      async () => {
        const rounds = [];
        for (let r = 0; r < HTTP_ROUNDS; r++) rounds.push(await run(HTTP_ISSUES));
        const rates = rounds.map((r) => r.perSecond);
        return {
          rates,
          perSecond: [...rates].sort((a, b) => a - b)[Math.floor(HTTP_ROUNDS / 2)]!,
          issue: percentiles(rounds.flatMap((r) => r.issues)),
          journey: percentiles(rounds.flatMap((r) => r.journeys)),
          last: rounds.at(-1)!.last,
        };
      },
      server.pid,
    );
    const clientMs = round((processCpuMs(process.pid) - client) / (HTTP_ISSUES * HTTP_ROUNDS), 2);
    const after = await serverCounters(server.url);
    // Half the citizens: how latency falls when fewer journeys are in flight.
    const half = await run(HTTP_ISSUES / 2, agents.slice(0, CONCURRENCY / 2));
    const serverMs = Object.fromEntries(
      Object.entries(ROUTES).map(([step, route]) => {
        const { ms, count } = spent(before, after, [route]);
        return [step, round(ms / Math.max(1, count))];
      }),
    ) as Record<keyof typeof ROUTES, number>;
    const pdf = measured.last;
    return {
      certificates: HTTP_ISSUES,
      rounds: measured.rates,
      perSecond: measured.perSecond,
      issue: measured.issue,
      journey: measured.journey,
      alone: { perSecond: alone.perSecond, issue: alone.issue, journey: alone.journey },
      half: { perSecond: half.perSecond, issue: half.issue, journey: half.journey },
      serverMs,
      cpu: { ...cost, clientMs },
      pdfKb: pdf ? round(pdf.length / 1024, 1) : 0,
      sealValid: pdf ? verifySealedPdf(pdf, await testCaPem(f.deps.db)).valid : false,
    };
  } finally {
    for (const agent of agents) agent.close();
  }
}

/** The test seal's key, e.g. "EC prime256v1" or "RSA 3072". */
function sealKey(f: CertificatesFixture): string {
  const { key } = readPkcs12(f.seal.p12, f.seal.passphrase);
  const details = key.asymmetricKeyDetails ?? {};
  return key.asymmetricKeyType === 'ec' ? `EC ${details.namedCurve}` : `RSA ${details.modulusLength}`;
}

export async function run(): Promise<unknown> {
  const serverUrl = testEnv('BENCH_DATABASE_URL');
  if (!serverUrl)
    throw new Error('the certificates benchmark needs BENCH_DATABASE_URL (a PostgreSQL server)');
  const { url: databaseUrl, version } = await recreateDatabase(serverUrl, DB_NAME);
  const fixture = await prepareCertificates(databaseUrl, CONCURRENCY);
  try {
    const cpuBusyBeforePct = await cpuBusyPct();
    const local = await inProcess(fixture);
    const http = await overHttp(fixture);
    await stopAll();
    const audit = await verifyAudit(fixture.database.db, { enteId: fixture.enteId });
    const figures = {
      database: version,
      machine: machine(),
      cpuBusyBeforePct,
      renderThreads: Number(THREADS),
      seal: sealKey(fixture),
      inProcess: local,
      http,
      auditChainIntact: audit.problems.length === 0,
      auditEvents: audit.events,
    };
    const checks: Check[] = [
      {
        name: 'sealed certificates per second, end to end over HTTP (20 clients)',
        goal: `≥ ${TARGET_PER_S}/s`,
        measured: `${http.perSecond}/s`,
        met: http.perSecond >= TARGET_PER_S,
      },
      {
        name: 'p95 of the issuing request (render + seal + store), end to end',
        goal: `< ${TARGET_P95_MS} ms`,
        measured: `${http.issue.p95Ms} ms`,
        met: http.issue.p95Ms < TARGET_P95_MS,
      },
    ];
    writeSection('## Certificates', markdown(figures, checks));
    console.log(
      `certificates: ${local.unsealedPerSecond} unsealed/s and ${local.sealedPerSecond} sealed/s per ` +
        `thread, ${local.sealedOnThreads.perSecond} sealed/s on ${THREADS} render thread(s), ` +
        `${local.issues.perSecond} issues/s in-process; ` +
        `${http.perSecond} certificates/s over HTTP (issue p95 ${http.issue.p95Ms} ms)`,
    );
    console.log(JSON.stringify({ bench: 'certificates', ...figures, checks }));
    return figures;
  } finally {
    await stopAll();
    await fixture.database.close();
    await dropDatabase(serverUrl, DB_NAME).catch(() => {});
  }
}

type Figures = {
  database: string;
  seal: string;
  cpuBusyBeforePct: number | null;
  renderThreads: number;
  inProcess: Awaited<ReturnType<typeof inProcess>>;
  http: Awaited<ReturnType<typeof overHttp>>;
  auditChainIntact: boolean;
  auditEvents: number;
};

function markdown(f: Figures, checks: Check[]): string {
  const { inProcess: p, http } = f;
  const rate = (r: Rate) => [r.perSecond, r.latency.p50Ms, r.latency.p95Ms];
  const cpu = (c: Cost) => [c.mainThreadMs, c.otherThreadsMs, c.databaseMs];
  const threads = `${f.renderThreads} render thread${f.renderThreads === 1 ? '' : 's'}`;
  return [
    `\`npm run bench -- certificates\` on ${f.database} (same machine, loopback), ${threads} ` +
      `(\`CERTIFICATES_RENDER_THREADS\`), the server's pool ${CONCURRENCY} connections; CPU busy ` +
      `before: ${f.cpuBusyBeforePct ?? '?'} %. The document: a residence certificate of a demo citizen of ` +
      `Jesolo (${http.pdfKb} KB sealed), test seal ${f.seal}.`,
    '',
    table(
      ['what', 'per second', 'p50 ms', 'p95 ms'],
      [
        ['unsealed PDF, one at a time in one thread', p.unsealedPerSecond, '', ''],
        ['sealed PDF (render + PAdES seal), one at a time in one thread', p.sealedPerSecond, '', ''],
        [`sealed PDF on ${threads}, ${CONCURRENCY} callers`, ...rate(p.sealedOnThreads)],
        [`\`requestCertificate\` exempt issues in-process, ${CONCURRENCY} callers`, ...rate(p.issues)],
        [
          `its database writes alone (number; row with PDF + audit event), ${CONCURRENCY} callers`,
          ...rate(p.writes),
        ],
        [
          `end to end over HTTP, ${CONCURRENCY} citizens: the issuing request (POST → 303), ` +
            `${HTTP_ROUNDS} rounds of ${http.certificates} after ${HTTP_WARMUP} warm-up ` +
            `(rounds ${http.rounds.join(', ')}/s: the median; latencies of all rounds)`,
          http.perSecond,
          http.issue.p50Ms,
          http.issue.p95Ms,
        ],
        [
          'the same: the whole journey (form, POST, PDF download)',
          '',
          http.journey.p50Ms,
          http.journey.p95Ms,
        ],
        [
          `${CONCURRENCY / 2} citizens: the issuing request, ${HTTP_ISSUES / 2} certificates`,
          http.half.perSecond,
          http.half.issue.p50Ms,
          http.half.issue.p95Ms,
        ],
        ['the same: the whole journey', '', http.half.journey.p50Ms, http.half.journey.p95Ms],
        [
          `one citizen at a time (no queueing): the issuing request, ${HTTP_ALONE} certificates`,
          http.alone.perSecond,
          http.alone.issue.p50Ms,
          http.alone.issue.p95Ms,
        ],
        ['the same: the whole journey', '', http.alone.journey.p50Ms, http.alone.journey.p95Ms],
      ],
      ['l', 'r', 'r', 'r'],
    ),
    '',
    'Where the CPU goes, in CPU milliseconds per certificate, from Linux /proc (unlike rates, these hold ' +
      'when other work shares the machine). Main thread: the event loop of the process that issues (this ' +
      "one in-process, the server's over HTTP); other threads: the render threads, garbage collection, " +
      'libuv.',
    '',
    table(
      ['per certificate', 'main thread', 'other threads', 'PostgreSQL backends', 'HTTP clients'],
      [
        ['sealed PDF on the render threads (in-process)', ...cpu(p.sealedOnThreads.cpu), ''],
        ['`requestCertificate` exempt issue (in-process)', ...cpu(p.issues.cpu), ''],
        ['its database writes alone (in-process)', ...cpu(p.writes.cpu), ''],
        ['the journey over HTTP (server process)', ...cpu(http.cpu), http.cpu.clientMs],
      ],
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    "Server time per request of the journey (mean, from the server's own metrics): " +
      `form ${http.serverMs.form} ms, ` +
      `issue ${http.serverMs.issue} ms, PDF ${http.serverMs.pdf} ms. ` +
      `An exempt issue sends ${p.perIssue.statements} statements in ${p.perIssue.transactions} ` +
      `transactions to the database. Last PDF's seal valid: ${http.sealValid ? 'yes' : '**no**'}; ` +
      "Jesolo's audit chain after " +
      `the run: ${f.auditEvents} events, ${f.auditChainIntact ? 'intact' : '**broken**'}.`,
    '',
    ...checks.map(
      (c) => `- ${c.name}: goal ${c.goal}, measured ${c.measured} — **${c.met ? 'met' : 'missed'}**`,
    ),
  ].join('\n');
}
