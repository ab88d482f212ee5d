// SPID and CIE login over OpenID Connect, end to end against the test providers, on a real listening
// server (the relying party discovers and calls the provider over HTTP).
import { decodeJwt } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/free-port.ts';
import { Agent } from '../../../test/http-agent.ts';
import { type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { hashToken } from '../../platform/auth/sessions.repo.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { unseal } from './credentials.ts';
import { type EntityStatement, validTrustMarks, verifyStatement, verifyTrustChain } from './federation.ts';

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

/** From a service page to the provider's login page; returns the agent and the interaction page. */
async function startLogin(provider: 'spid' | 'cie', next = '/jesolo/area-personale') {
  const agent = new Agent(base);
  const start = await agent.get(`/accedi/${provider}?next=${encodeURIComponent(next)}`);
  expect(start.status).toBe(303);
  const authorize = new URL(start.location);
  expect(authorize.pathname).toBe(`/sandbox/${provider}/auth`);
  // SPID profile: a signed request object, and the PKCE and scope parameters outside it too.
  expect(authorize.searchParams.get('request')?.split('.')).toHaveLength(3);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  const toLogin = await agent.get(start.location);
  const page = await agent.get(toLogin.location);
  expect(page.body).toContain('ambiente di test');
  const action = /action="([^"]+)"/.exec(page.body)![1]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return { agent, action, csrf };
}

async function chooseAndReturn(agent: Agent, action: string, csrf: string, person: string) {
  const chosen = await agent.post(action, { _csrf: csrf, person });
  const resumed = await agent.get(chosen.location);
  expect(resumed.location).toContain('/accedi/oidc/callback?code=');
  return { callback: resumed.location, result: await agent.get(resumed.location) };
}

describe('citizen login with SPID and CIE (OpenID Connect)', () => {
  it('brings the citizen back to the service page, logged in, with the data the provider asserted', async () => {
    const { agent, action, csrf } = await startLogin('spid');
    const { result } = await chooseAndReturn(agent, action, csrf, 'demo-01');
    expect(result.status).toBe(303);
    expect(result.location).toBe('/jesolo/area-personale');
    const area = await agent.get('/jesolo/area-personale');
    expect(area.status).toBe(200);
    expect(area.body).toContain('Giulia Zanetti');
    const user = await sql<{
      fiscal_number: string;
      kind: string;
    }>`select fiscal_number, kind from users where display_name = 'Giulia Zanetti'`.execute(database.db);
    expect(user.rows).toEqual([{ fiscal_number: 'ZNTGLI84C52L736W', kind: 'citizen' }]);
    const identities = await sql<{
      provider: string;
      subject: string;
    }>`select provider, subject from user_identities where provider like 'oidc:%'`.execute(database.db);
    expect(identities.rows[0]!.provider).toBe(`oidc:${base}/sandbox/spid`);
    // Pairwise subject: never the fiscal code.
    expect(identities.rows[0]!.subject).not.toContain('ZNTGLI');
  });

  it('keeps one platform user per provider identity across logins, and works with CIE', async () => {
    for (let i = 0; i < 2; i++) {
      const { agent, action, csrf } = await startLogin('cie');
      const { result } = await chooseAndReturn(agent, action, csrf, 'demo-04');
      expect(result.status).toBe(303);
    }
    const users = await sql<{
      n: number;
    }>`select count(*)::int as n from users where fiscal_number = 'PVNLCU59M30F241I'`.execute(database.db);
    expect(users.rows[0]!.n).toBe(1);
  });

  it('rejects a replayed callback and creates no session', async () => {
    const { agent, action, csrf } = await startLogin('spid');
    const { callback } = await chooseAndReturn(agent, action, csrf, 'demo-02');
    const thief = new Agent(base);
    thief.jar = new Map(agent.jar);
    thief.jar.delete('cz_session');
    const replay = await thief.get(callback);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('Accesso non riuscito');
    expect(thief.jar.has('cz_session')).toBe(false);
  });

  it('rejects a callback whose state was tampered with, and audits the failure', async () => {
    const { agent, action, csrf } = await startLogin('spid');
    const chosen = await agent.post(action, { _csrf: csrf, person: 'demo-05' });
    const resumed = await agent.get(chosen.location);
    const forged = new URL(resumed.location);
    forged.searchParams.set('state', 'x'.repeat(64));
    const result = await agent.get(forged.href);
    expect(result.status).toBe(400);
    expect(agent.jar.has('cz_session')).toBe(false);
    const failures = await sql<{
      n: number;
    }>`select count(*)::int as n from audit_events where action = 'auth.login-failed'`.execute(database.db);
    expect(failures.rows[0]!.n).toBeGreaterThan(0);
  });

  it('says the login was cancelled when the citizen gives up at the provider', async () => {
    const { agent, action, csrf } = await startLogin('spid');
    const chosen = await agent.post(action, { _csrf: csrf, person: '' });
    const resumed = await agent.get(chosen.location);
    const result = await agent.get(resumed.location);
    expect(result.status).toBe(401);
    expect(result.body).toContain('annullato');
  });

  it('ignores an off-site return address', async () => {
    const { agent, action, csrf } = await startLogin('spid', '//evil.example/steal');
    const { result } = await chooseAndReturn(agent, action, csrf, 'demo-06');
    expect(result.location).toBe('/');
  });

  it('revokes the provider token at logout', async () => {
    const { agent, action, csrf } = await startLogin('spid');
    await chooseAndReturn(agent, action, csrf, 'demo-01');
    const stored = await sql<{
      provider_token: string;
    }>`select provider_token from sessions where id_hash = ${hashToken(agent.jar.get('cz_session')!)}`.execute(
      database.db,
    );
    const { accessToken } = JSON.parse(
      unseal(stored.rows[0]!.provider_token, await platformSecret(database.db, 'seal')),
    );
    const userinfo = () =>
      fetch(`${base}/sandbox/spid/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await userinfo()).status).toBe(200);
    const confirm = await agent.get('/esci');
    const token = /name="_csrf" value="([^"]+)"/.exec(confirm.body)![1]!;
    const out = await agent.post('/esci', { _csrf: token });
    expect(out.status).toBe(303);
    expect((await agent.get('/jesolo/area-personale')).status).toBe(401);
    expect((await userinfo()).status).toBe(401);
    const events = await sql<{
      action: string;
    }>`select action from audit_events where action in ('auth.login', 'auth.logout')`.execute(database.db);
    expect(events.rows.map((r) => r.action)).toContain('auth.login');
  });
});

describe('OpenID Federation entity configuration of the relying party', () => {
  it('is self-signed with a federation key and carries the SPID/CIE RP metadata', async () => {
    const res = await fetch(`${base}/oidc/rp/.well-known/openid-federation`);
    expect(res.headers.get('content-type')).toMatch(/^application\/entity-statement\+jwt/);
    const jwt = await res.text();
    const claims = decodeJwt(jwt) as unknown as EntityStatement;
    const statement = await verifyStatement(jwt, claims.jwks, new Date());
    expect(statement.iss).toBe(`${base}/oidc/rp`);
    expect(statement.sub).toBe(statement.iss);
    expect(statement.exp).toBeGreaterThan(statement.iat);
    const rp = statement.metadata!.openid_relying_party!;
    expect(rp).toMatchObject({
      client_id: `${base}/oidc/rp`,
      client_registration_types: ['automatic'],
      redirect_uris: [`${base}/accedi/oidc/callback`],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256',
      userinfo_encrypted_response_alg: 'RSA-OAEP-256',
      userinfo_encrypted_response_enc: 'A256CBC-HS512',
    });
    expect(Object.keys(statement.metadata!.federation_entity!)).toEqual(
      expect.arrayContaining(['organization_name', 'homepage_uri', 'policy_uri', 'logo_uri', 'contacts']),
    );
    // The federation key is not one of the OpenID Connect keys.
    const coreKids = (rp.jwks as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(coreKids).not.toContain(statement.jwks.keys[0]!.kid);
    expect(Array.isArray(statement.authority_hints)).toBe(true);
  });
});

describe('the test federation', () => {
  const text = async (url: string) => (await fetch(url)).text();
  const anchorKeys = async () =>
    (decodeJwt(await text(`${base}/sandbox/ta/.well-known/openid-federation`)) as unknown as EntityStatement)
      .jwks;

  it('lists the test providers and resolves their trust chains to their metadata', async () => {
    const providers = (await (
      await fetch(`${base}/sandbox/ta/list?entity_type=openid_provider`)
    ).json()) as string[];
    expect(providers).toEqual([`${base}/sandbox/spid`, `${base}/sandbox/cie`]);
    const anchor = { id: `${base}/sandbox/ta`, jwks: await anchorKeys() };
    for (const op of providers) {
      const chain = [
        await text(`${op}/.well-known/openid-federation`),
        await text(`${base}/sandbox/ta/fetch?sub=${encodeURIComponent(op)}`),
        await text(`${base}/sandbox/ta/.well-known/openid-federation`),
      ];
      const resolved = await verifyTrustChain(chain, anchor, new Date());
      expect(resolved.metadata.openid_provider).toMatchObject({
        issuer: op,
        subject_types_supported: ['pairwise'],
      });
      // The anchor's statement carries its trust mark for the provider, which the RP requires.
      expect(await validTrustMarks(resolved.statements[0]!, anchor, new Date())).toEqual([
        'https://www.spid.gov.it/certification/op',
      ]);
    }
  });

  it('vouches for the platform RP, whose chain resolves with the federation policy', async () => {
    const rp = `${base}/oidc/rp`;
    const chain = [
      await text(`${rp}/.well-known/openid-federation`),
      await text(`${base}/sandbox/ta/fetch?sub=${encodeURIComponent(rp)}`),
      await text(`${base}/sandbox/ta/.well-known/openid-federation`),
    ];
    const resolved = await verifyTrustChain(
      chain,
      { id: `${base}/sandbox/ta`, jwks: await anchorKeys() },
      new Date(),
    );
    expect(resolved.leaf.authority_hints).toEqual([`${base}/sandbox/ta`]);
    expect(resolved.metadata.openid_relying_party!.grant_types).toEqual(['authorization_code']);
    expect(
      (await fetch(`${base}/sandbox/ta/fetch?sub=${encodeURIComponent('https://unknown.example')}`)).status,
    ).toBe(404);
  });
});
