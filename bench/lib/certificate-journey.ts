// A citizen getting a certificate over HTTP, as the certificates benchmark drives it: logged in through
// the sandbox's SPID provider (demo-01, Giulia Zanetti of Jesolo), then for each certificate the request
// form (for its CSRF token), the POST that issues it (render, seal, store: 303 to the certificate) and
// the download of the PDF. Any unexpected answer stops the benchmark: error pages measure nothing.
import { SESSION_COOKIE } from '../../src/platform/auth/sessions.repo.ts';
import { KeepAliveClient } from './keepalive-client.ts';
import { login } from './oidc-login.ts';

const BASE = '/jesolo/area-personale/certificati';

/** A citizen's client: logged in as Giulia (demo-01), the session cookie in its jar. */
export async function citizen(base: string): Promise<KeepAliveClient> {
  const { session } = await login(base);
  return new KeepAliveClient(base, { [SESSION_COOKIE]: session });
}

/** One exempt residence certificate of `subject` (Giulia or her family); the POST's time and the PDF. */
export async function issueOverHttp(client: KeepAliveClient, subject: string, exemption: string) {
  const form = await client.get(`${BASE}/nuovo?persona=${subject}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body.toString('latin1'))?.[1];
  if (form.status !== 200 || !csrf) {
    throw new Error(`the request form answered ${form.status} without a token`);
  }
  const started = performance.now();
  const issued = await client.post(BASE, {
    persona: subject,
    tipo: 'residenza',
    esenzione: exemption,
    _csrf: csrf,
  });
  const issueMs = performance.now() - started;
  if (issued.status !== 303 || !issued.location.startsWith(`${BASE}/`)) {
    throw new Error(
      `issuing answered ${issued.status} (${issued.location}): ${issued.body.toString().slice(0, 300)}`,
    );
  }
  const { status, body: pdf } = await client.get(`${issued.location}/pdf`);
  if (status !== 200 || !pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) {
    throw new Error(`the PDF download answered ${status}`);
  }
  return { issueMs, pdf };
}
