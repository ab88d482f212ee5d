// SPID login over SAML, end to end through the test identity provider's pages: back on the service page
// with the asserted identity; replays, other browsers, tampering and cancellation get nothing.
import { inflateRawSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test/free-port.ts';
import { Agent } from '../../../../test/http-agent.ts';
import { type TestDatabase, testApp, testDatabase } from '../../../../test/support.ts';
import { SESSION_COOKIE } from '../../../platform/auth/sessions.repo.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let base: string;

beforeAll(async () => {
  database = await testDatabase();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  built = await testApp(database, { PUBLIC_URL: base, SANDBOX: 'true' });
  await built.app.listen({ host: '127.0.0.1', port });
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

const field = (body: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]+)"`).exec(body)?.[1] ?? '';

/** From the service page to the test provider's answer: the form it auto-posts to the ACS. */
async function signIn(person: string, next = '/jesolo/area-personale') {
  const agent = new Agent(base);
  const page = await agent.get(`/accedi?next=${encodeURIComponent(next)}`);
  const href = /href="(\/accedi\/spid\/saml\?idp=[^"]+)"/.exec(page.body)![1]!.replaceAll('&amp;', '&');
  const start = await agent.get(href);
  expect(start.status).toBe(303);
  const login = await agent.get(start.location);
  expect(login.body).toContain('ambiente di test');
  const action = /action="(\/sandbox\/saml\/login\/[^"]+)"/.exec(login.body)![1]!;
  const answer = await agent.post(action, { _csrf: field(login.body, '_csrf'), person });
  expect(answer.body).toContain(`action="${base}/accedi/saml/acs"`);
  return {
    agent,
    samlResponse: field(answer.body, 'SAMLResponse'),
    relayState: field(answer.body, 'RelayState'),
  };
}

describe('citizen login with SPID over SAML', () => {
  it('lands on the service page, logged in, with the identity the provider asserted', async () => {
    const { agent, samlResponse, relayState } = await signIn('demo-01');
    expect(relayState).toMatch(/^[\w-]{16}$/);
    const acs = await agent.post('/accedi/saml/acs', { SAMLResponse: samlResponse, RelayState: relayState });
    expect(acs.status).toBe(303);
    const done = await agent.get(acs.location);
    expect(done.location).toBe('/jesolo/area-personale');
    expect(agent.jar.get(SESSION_COOKIE)).toBeTruthy();
    const home = await agent.get('/jesolo/area-personale');
    expect(home.body).toContain('Giulia Zanetti');
    const { rows } = await sql<{ email: string; method: string }>`
      select u.email, s.method from users u join sessions s on s.user_id = u.id
      where u.fiscal_number = 'ZNTGLI84C52L736W'`.execute(database.db);
    expect(rows).toEqual([{ email: 'giulia.zanetti@cittadini.example', method: 'spid-saml' }]);
  });

  it('asks the provider for the level the service wants (SpidL3)', async () => {
    const agent = new Agent(base);
    const page = await agent.get('/accedi?next=%2Fjesolo&livello=3');
    const href = /href="(\/accedi\/spid\/saml\?idp=[^"]+)"/.exec(page.body)![1]!.replaceAll('&amp;', '&');
    expect(href).toContain('livello=3');
    const start = await agent.get(href);
    const request = inflateRawSync(
      Buffer.from(new URL(start.location).searchParams.get('SAMLRequest')!, 'base64'),
    ).toString('utf8');
    expect(request).toContain('https://www.spid.gov.it/SpidL3<');
    const login = await agent.get(start.location);
    expect(login.body).toContain('SpidL3');
  });

  it('brings the language saved on the profile to a new device', async () => {
    const first = await signIn('demo-05');
    await first.agent.get(
      (await first.agent.post('/accedi/saml/acs', { SAMLResponse: first.samlResponse })).location,
    );
    await sql`update users set lang = 'en' where email = 'amina.benali@cittadini.example'`.execute(
      database.db,
    );
    const { agent, samlResponse } = await signIn('demo-05');
    await agent.get((await agent.post('/accedi/saml/acs', { SAMLResponse: samlResponse })).location);
    expect(agent.jar.get('lang')).toBe('en');
  });

  it('accepts a response once: the same response posted again is refused', async () => {
    const { agent, samlResponse } = await signIn('demo-02');
    expect((await agent.post('/accedi/saml/acs', { SAMLResponse: samlResponse })).status).toBe(303);
    const again = await agent.post('/accedi/saml/acs', { SAMLResponse: samlResponse });
    expect(again.status).toBe(400);
    expect(again.body).toContain('data-outcome="expired"');
  });

  it('opens the session only in the browser that started the login', async () => {
    const { agent, samlResponse } = await signIn('demo-01');
    const other = new Agent(base);
    const posted = await other.post('/accedi/saml/acs', { SAMLResponse: samlResponse });
    expect(posted.status).toBe(303);
    expect((await other.get(posted.location)).status).toBe(400);
    expect(other.jar.has(SESSION_COOKIE)).toBe(false);
    expect((await agent.get('/accedi/saml/fine')).status).toBe(303);
    expect(agent.jar.has(SESSION_COOKIE)).toBe(true);
  });

  it('refuses a response whose signed assertion was altered', async () => {
    const { agent, samlResponse } = await signIn('demo-01');
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    const altered = xml.replace('TINIT-ZNTGLI84C52L736W', 'TINIT-ZNTMRC81S02C388P');
    expect(altered).not.toBe(xml);
    const acs = await agent.post('/accedi/saml/acs', {
      SAMLResponse: Buffer.from(altered).toString('base64'),
    });
    expect(acs.status).toBe(400);
    expect(acs.body).toContain('data-outcome="invalid"');
    expect(agent.jar.has(SESSION_COOKIE)).toBe(false);
  });

  it('refuses a response with a malformed signature element, never a 500', async () => {
    const { agent, samlResponse } = await signIn('demo-01');
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    const broken = xml.replace(
      /<ds:Signature[\s\S]*?<\/ds:Signature>/,
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>',
    );
    expect(broken).not.toBe(xml);
    const acs = await agent.post('/accedi/saml/acs', {
      SAMLResponse: Buffer.from(broken).toString('base64'),
    });
    expect(acs.status).toBe(400);
    expect(acs.body).toContain('data-outcome="invalid"');
  });

  it('shows the SPID message when the citizen cancels at the provider (anomaly 25)', async () => {
    const { agent, samlResponse } = await signIn('');
    const acs = await agent.post('/accedi/saml/acs', { SAMLResponse: samlResponse });
    expect(acs.status).toBe(401);
    expect(acs.body).toContain('data-anomaly="25"');
    expect(acs.body).toContain('Hai annullato l’accesso');
  });

  it('answers junk with a clear error, never a 500', async () => {
    const agent = new Agent(base);
    for (const SAMLResponse of [
      '',
      'not base64!',
      Buffer.from('<x').toString('base64'),
      Buffer.from('<!DOCTYPE x><x/>').toString('base64'),
    ]) {
      const acs = await agent.post('/accedi/saml/acs', { SAMLResponse });
      expect(acs.status).toBe(400);
      expect(acs.body).toContain('role="alert"');
    }
  });

  it('ignores an off-site return address and an unknown provider', async () => {
    const agent = new Agent(base);
    expect((await agent.get('/accedi/spid/saml?idp=https%3A%2F%2Fevil.example&next=%2F')).status).toBe(404);
    const { agent: a2, samlResponse } = await signIn('demo-01', 'https://evil.example/');
    const acs = await a2.post('/accedi/saml/acs', { SAMLResponse: samlResponse });
    expect((await a2.get(acs.location)).location).toBe('/');
  });
});

describe('without the sandbox and without SPID metadata', () => {
  it('offers no SAML login and no test provider', async () => {
    const db = await testDatabase();
    const off = await testApp(db, { SANDBOX: 'false', SMTP_URL: 'smtp://127.0.0.1:2525' });
    try {
      for (const url of ['/accedi/saml/metadata', '/sandbox/saml/metadata', '/accedi/spid/saml?idp=x']) {
        expect((await off.app.inject({ url })).statusCode).toBe(404);
      }
    } finally {
      await off.app.close();
      await db.close();
    }
  });
});
