// A citizen getting a certificate over HTTP, as the certificates benchmark drives it: logged in through
// the sandbox's SPID provider (demo-01, Giulia Zanetti of Jesolo), then for each certificate the request
// form (for its CSRF token), the POST that issues it (render, seal, store: 303 to the certificate) and
// the download of the PDF. Any unexpected answer stops the benchmark: error pages measure nothing.
import { SESSION_COOKIE } from '../../src/platform/auth/sessions.repo.ts';
import { Agent } from '../../test/http-agent.ts';
import { login } from './oidc-login.ts';

const BASE = '/jesolo/area-personale/certificati';

/** A citizen's client: logged in as Giulia (demo-01), with the session cookie in its jar. */
export async function citizen(base: string): Promise<Agent> {
  const { session } = await login(base);
  const agent = new Agent(base);
  agent.jar.set(SESSION_COOKIE, session);
  return agent;
}

/** One exempt residence certificate of `subject` (Giulia or her family); the POST's time and the PDF. */
export async function issueOverHttp(agent: Agent, subject: string, exemption: string) {
  const form = await agent.get(`${BASE}/nuovo?persona=${subject}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  if (form.status !== 200 || !csrf) {
    throw new Error(`the request form answered ${form.status} without a token`);
  }
  const started = performance.now();
  const issued = await agent.post(BASE, {
    persona: subject,
    tipo: 'residenza',
    esenzione: exemption,
    _csrf: csrf,
  });
  const issueMs = performance.now() - started;
  if (issued.status !== 303 || !issued.location.startsWith(`${BASE}/`)) {
    throw new Error(`issuing answered ${issued.status} (${issued.location}): ${issued.body.slice(0, 300)}`);
  }
  // The PDF's bytes, not text: fetched directly with the session cookie.
  const response = await fetch(new URL(`${issued.location}/pdf`, agent.base), {
    headers: { cookie: `${SESSION_COOKIE}=${agent.jar.get(SESSION_COOKIE)}` },
    signal: AbortSignal.timeout(10_000),
  });
  const pdf = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200 || !pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) {
    throw new Error(`the PDF download answered ${response.status}`);
  }
  return { issueMs, pdf };
}
