// Reliability of receipt reconciliation: 1,000 pagoPA receipts are sent to the notification endpoint by
// 8 concurrent senders that retry until they get 202 (pagoPA's at-least-once delivery), some sent twice
// on purpose, while the server is killed with SIGKILL twice partway and restarted. Afterwards every
// receipt must be recorded exactly once, every position paid, one paid event per position, no issue.
// Needs a PostgreSQL server (BENCH_DATABASE_URL): its database convergenza_reliability is recreated.
import { randomBytes } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { testEnv } from '../src/config.ts';
import { paidQueue } from '../src/modules/payments/index.ts';
import type { Db } from '../src/platform/db/database.ts';
import { dropDatabase, recreateDatabase, startPortal } from './lib/convergenza.ts';
import {
  type BenchPosition,
  createPositions,
  preparePayments,
  receiptFor,
  runId,
} from './lib/payments-fixture.ts';
import { type Server, stopAll, stopServer } from './lib/processes.ts';
import { writeSection } from './lib/report.ts';

const DB_NAME = 'convergenza_reliability';
const RECEIPTS = 1000;
const SENDERS = 8;
/** Acknowledged receipts after which the server is killed (SIGKILL), then restarted. */
const KILL_AT = [300, 700];
const DUPLICATE_EVERY = 10;
const MODULE = 'reliability';

export async function run(): Promise<unknown> {
  const serverUrl = testEnv('BENCH_DATABASE_URL');
  if (!serverUrl) throw new Error('payments-reliability needs BENCH_DATABASE_URL (a PostgreSQL server)');
  const { url: databaseUrl } = await recreateDatabase(serverUrl, DB_NAME);
  const fixture = await preparePayments(databaseUrl);
  const key = randomBytes(24).toString('base64url');
  const env = {
    DATABASE_URL: databaseUrl,
    DEMO_SEED: 'none',
    SANDBOX: 'true',
    JOBS_WORKER: 'false',
    PAGOPA_NOTIFICATION_KEY: key,
  };
  try {
    const positions = await createPositions(fixture, RECEIPTS, MODULE);
    const run = runId();
    const bodies = positions.map((p) => receiptFor(fixture, p, `R${run}`));
    let server: Server = await startPortal('server', env);
    const started = performance.now();
    const outcome = { acknowledged: 0, duplicatesSent: 0, failedAttempts: 0, kills: 0 };
    const pending = bodies.map((_, i) => i);
    const acked = new Set<number>();
    let restarting: Promise<void> | null = null;

    const send = async (index: number) => {
      const response = await fetch(`${server.url}/api/v1/payments/receipts`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml', 'x-notification-key': key },
        body: bodies[index]!,
        signal: AbortSignal.timeout(10_000),
      }).catch(() => null);
      await response?.body?.cancel();
      return response?.status === 202;
    };

    const killAndRestart = async () => {
      process.kill(server.pid, 'SIGKILL');
      outcome.kills++;
      await stopServer(server.pid, 0).catch(() => {});
      server = await startPortal('server (restarted)', env);
    };

    const sender = async () => {
      for (;;) {
        if (restarting) await restarting;
        const index = pending.shift();
        if (index === undefined) {
          if (acked.size >= bodies.length) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        if (await send(index)) {
          if (!acked.has(index)) {
            acked.add(index);
            outcome.acknowledged++;
            // pagoPA may deliver a receipt again: every tenth one is sent once more.
            if (index % DUPLICATE_EVERY === 0) {
              pending.push(index);
              outcome.duplicatesSent++;
            }
          }
          if (KILL_AT.includes(outcome.acknowledged) && !restarting) {
            restarting = killAndRestart().finally(() => {
              restarting = null;
            });
          }
        } else {
          outcome.failedAttempts++;
          pending.push(index);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    const seconds = (performance.now() - started) / 1000;
    await stopServer(server.pid);

    const check = await verify(fixture.database.db, positions, `R${run}`);
    const figures = {
      receipts: RECEIPTS,
      senders: SENDERS,
      ...outcome,
      seconds: Math.round(seconds * 10) / 10,
      ...check,
    };
    const ok =
      check.receiptsRecorded === RECEIPTS &&
      check.positionsPaid === RECEIPTS &&
      check.paidEvents === RECEIPTS &&
      check.issues === 0 &&
      outcome.kills === KILL_AT.length;
    writeSection(
      '## Payments: receipts under SIGKILL',
      [
        `\`npm run bench -- payments-reliability\` (PostgreSQL): ${RECEIPTS} receipts, ${SENDERS} senders retrying until 202, ` +
          `every ${DUPLICATE_EVERY}th receipt sent twice, the server killed with SIGKILL after ${KILL_AT.join(' and ')} ` +
          'acknowledgements and restarted.',
        '',
        `Last run: ${outcome.kills} kills, ${outcome.failedAttempts} failed attempts retried, ${outcome.duplicatesSent} duplicates sent; ` +
          `${check.receiptsRecorded} receipts recorded (exactly once each), ${check.positionsPaid} positions paid, ` +
          `${check.paidEvents} paid events, ${check.issues} issues: **${ok ? 'pass' : 'FAIL'}** (${figures.seconds} s).`,
      ].join('\n'),
    );
    console.log(
      `payments reliability: ${ok ? 'pass' : 'FAIL'} — ${check.receiptsRecorded}/${RECEIPTS} receipts once, ` +
        `${check.positionsPaid} paid, ${check.paidEvents} events, ${outcome.kills} SIGKILLs, ${outcome.failedAttempts} retries`,
    );
    console.log(JSON.stringify({ bench: 'payments-reliability', ok, ...figures }));
    if (!ok) throw new Error('payments reliability check failed');
    return figures;
  } finally {
    await stopAll();
    await fixture.database.close();
    await dropDatabase(serverUrl, DB_NAME).catch(() => {});
  }
}

/** What the database holds for this run's positions and receipts. */
async function verify(db: Db, positions: BenchPosition[], prefix: string) {
  const ids = positions.map((p) => p.positionId);
  const one = async (query: RawBuilder<{ n: string }>) => Number((await query.execute(db)).rows[0]!.n);
  return {
    receiptsRecorded: await one(
      sql`select count(*) as n from payment_receipts where receipt_id like ${`${prefix}%`}`,
    ),
    positionsPaid: await one(
      sql`select count(*) as n from payment_positions where id = any(${ids}::uuid[]) and status = 'paid'`,
    ),
    paidEvents: await one(sql`select count(*) as n from jobs where queue = ${paidQueue(MODULE)}`),
    issues: await one(sql`select count(*) as n from payment_receipt_issues`),
  };
}
