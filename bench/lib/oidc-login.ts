// A citizen's SPID login over OpenID Connect against the embedded test provider, driven over HTTP with a
// cookie jar and no redirect following (as src/modules/identity/citizen-login.test.ts does), each hop timed.
import { SESSION_COOKIE } from '../../src/platform/auth/sessions.repo.ts';
import { type Latency, latency, round } from './report.ts';
import { serverCounters, spent } from './server-metrics.ts';

export const LOGIN_NEXT = '/jesolo/area-personale';
export const HOPS = ['start', 'authorize', 'provider page', 'choose', 'resume', 'callback'] as const;
export type Hop = (typeof HOPS)[number];
/** The routes of the six hops in the server's metrics; the provider's token and userinfo answers, called
 * by the platform inside the callback, are left out (their time is part of the callback's). */
const HOP_ROUTES = [
  'GET /accedi/:provider 303',
  'GET /sandbox/spid/* 303',
  'GET /sandbox/spid/interaction/:uid 200',
  'POST /sandbox/spid/interaction/:uid 303',
  'GET /accedi/oidc/callback 303',
] as const;

import { Agent, type Answer } from '../../test/http-agent.ts';

export interface Login {
  /** The session cookie's value. */
  session: string;
  totalMs: number;
  hopMs: Record<Hop, number>;
}

/** One full login as demo-01, from the service page to the 303 that carries the session cookie. */
export async function login(base: string): Promise<Login> {
  const agent = new Agent(base);
  const hopMs = {} as Record<Hop, number>;
  const timed = async (hop: Hop, expected: number, send: () => Promise<Answer>) => {
    const started = performance.now();
    const answer = await send();
    hopMs[hop] = performance.now() - started;
    // A benchmark of error pages measures nothing: stop at the first unexpected answer.
    if (answer.status !== expected) {
      throw new Error(
        `login hop "${hop}" answered ${answer.status}, not ${expected}: ${answer.body.slice(0, 300)}`,
      );
    }
    return answer;
  };
  const started = performance.now();
  const start = await timed('start', 303, () =>
    agent.get(`/accedi/spid?next=${encodeURIComponent(LOGIN_NEXT)}`),
  );
  const authorize = await timed('authorize', 303, () => agent.get(start.location));
  const page = await timed('provider page', 200, () => agent.get(authorize.location));
  const action = /action="([^"]+)"/.exec(page.body)?.[1];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!action || !csrf) throw new Error('the test provider page has no login form');
  const chosen = await timed('choose', 303, () => agent.post(action, { _csrf: csrf, person: 'demo-01' }));
  const resumed = await timed('resume', 303, () => agent.get(chosen.location));
  const result = await timed('callback', 303, () => agent.get(resumed.location));
  const totalMs = performance.now() - started;
  const session = agent.jar.get(SESSION_COOKIE);
  if (result.location !== LOGIN_NEXT || !session) {
    throw new Error(`the login ended at ${result.location || '(nowhere)'} without a session cookie`);
  }
  return { session, totalMs, hopMs };
}

export interface LoginSeries extends Latency {
  logins: number;
  concurrency: number;
  perSecond: number;
  /** Mean server time per login, summed over its six requests, from the server's own metrics. */
  serverMeanMs: number;
}

/** `count` logins by `concurrency` clients at once; returns figures and the last session cookie. */
export async function loginSeries(base: string, count: number, concurrency: number) {
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
  const before = await serverCounters(base);
  const begin = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - begin) / 1000;
  const server = spent(before, await serverCounters(base), HOP_ROUTES);
  const series: LoginSeries = {
    logins: count,
    concurrency,
    perSecond: round(count / seconds, 1),
    ...latency(totals),
    serverMeanMs: round(server.ms / count),
  };
  const hopP50Ms = Object.fromEntries(HOPS.map((hop) => [hop, latency(hops[hop]).p50Ms])) as Record<
    Hop,
    number
  >;
  return { series, hopP50Ms, session };
}
