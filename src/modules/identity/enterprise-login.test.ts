// Operators' login with their ente's identity provider, end to end against the sandbox's test
// provider on a real listening server (the platform discovers and calls the provider over HTTP).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/free-port.ts';
import { Agent } from '../../../test/http-agent.ts';
import {
  Browser,
  enteId,
  sessionAs,
  type TestDatabase,
  testApp,
  testDatabase,
} from '../../../test/support.ts';
import { hashToken } from '../../platform/auth/sessions.repo.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { totpNow, unseal } from './credentials.ts';
import { type IdentityDeps, inviteStaff } from './identity.service.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let base: string;
let deps: IdentityDeps;
let jesolo: string;
let clientSecret: string;

const RITA = 'rita.operatrice@comune.jesolo.example.it';
const DOMAIN = 'comune.jesolo.example.it';

beforeAll(async () => {
  database = await testDatabase();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  built = await testApp(database, { PUBLIC_URL: base, SANDBOX: 'true' });
  await built.app.listen({ host: '127.0.0.1', port });
  deps = {
    db: database.db,
    sealKey: await platformSecret(database.db, 'seal'),
    timeouts: { idleSeconds: 600, absoluteSeconds: 3600 },
  };
  jesolo = await enteId(database, 'jesolo');
  const sandbox = await (await fetch(`${base}/sandbox/ente`)).text();
  clientSecret = /data-client-secret[^>]*>([^<]+)</.exec(sandbox)![1]!;
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

/** The ente admin's settings form for `slug`, posted as a browser would. */
async function configure(slug: string, fields: Record<string, string>) {
  const browser = new Browser(built.app);
  browser.cookies = await sessionAs(database, `admin-${slug}`, [
    { role: 'ente_admin', enteId: await enteId(database, slug) },
  ]);
  await browser.get(`/${slug}/admin/accesso-operatori`);
  return browser.post(`/${slug}/admin/accesso-operatori`, fields);
}

const settings = (fields: Record<string, string> = {}) => ({
  issuer: `${base}/sandbox/ente`,
  clientId: 'convergenza',
  clientSecret,
  authMethod: 'client_secret_basic',
  domain: DOMAIN,
  ...fields,
});

const invite = (email: string, role: 'operator' | 'ente_admin' = 'operator', ente = jesolo) =>
  inviteStaff(deps, 'test', { email, displayName: email.split('@')[0]!, enteId: ente, role });

/**
 * From the operators' login to the provider, choosing `person`, and back. `meddle` runs before the
 * return reaches the platform (to tamper with the pending login); `forge` changes the return address.
 */
async function login(
  person: string,
  options: {
    mfa?: boolean;
    next?: string;
    meddle?: (agent: Agent) => Promise<void>;
    forge?: (callback: URL) => void;
  } = {},
) {
  const agent = new Agent(base);
  const next = options.next ?? '/sessioni';
  const start = await agent.get(`/accedi/operatori/ente/avvia?ente=jesolo&next=${encodeURIComponent(next)}`);
  expect(start.status).toBe(303);
  const toLogin = await agent.get(start.location);
  const page = await agent.get(toLogin.location);
  expect(page.body).toContain('ambiente di test');
  const action = /action="([^"]+)"/.exec(page.body)![1]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const chosen = await agent.post(action, { _csrf: csrf, person, ...(options.mfa ? { mfa: '1' } : {}) });
  const resumed = await agent.get(chosen.location);
  const callback = new URL(resumed.location);
  expect(callback.pathname).toBe('/accedi/operatori/ente/callback');
  await options.meddle?.(agent);
  options.forge?.(callback);
  return { agent, authorize: new URL(start.location), callback, result: await agent.get(callback.href) };
}

const sessionsOf = async (email: string) =>
  (
    await sql<{ method: string }>`
      select s.method from sessions s join staff_accounts a on a.user_id = s.user_id
      where lower(a.email) = lower(${email}) order by s.created_at`.execute(database.db)
  ).rows.map((r) => r.method);

const failures = async () =>
  (
    await sql<{ content: Record<string, unknown> }>`
      select content from audit_events
      where ente_id = ${jesolo} and action = 'auth.login-failed' order by seq`.execute(database.db)
  ).rows.map((r) => r.content);

describe('the ente admin’s enterprise login settings', () => {
  it('are for the admin of that ente only, check each field, and keep the client secret sealed', async () => {
    const other = await sessionAs(database, 'admin-caorle', [
      { role: 'ente_admin', enteId: await enteId(database, 'caorle') },
    ]);
    const page = await built.app.inject({ url: '/jesolo/admin/accesso-operatori', cookies: other });
    expect(page.statusCode).toBe(403);

    const bad = await configure('jesolo', { issuer: 'ftp://idp', clientId: '', domain: 'non è un dominio' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['issuer', 'clientId', 'clientSecret', 'authMethod', 'domain']) {
      expect(bad.body).toContain(`id="${field}-error"`);
    }
    const saved = await configure('jesolo', settings());
    expect(saved.statusCode).toBe(303);
    const row = await sql<{ client_secret: string }>`
      select client_secret from enterprise_idps where ente_id = ${jesolo}`.execute(database.db);
    const stored = row.rows[0]!.client_secret;
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(clientSecret);
    expect(unseal(stored, deps.sealKey)).toBe(clientSecret);
    // The page never shows it again; an empty field keeps it.
    const again = await configure('jesolo', settings({ clientSecret: '' }));
    expect(again.statusCode).toBe(303);
    const form = await built.app.inject({
      url: '/jesolo/admin/accesso-operatori',
      cookies: await sessionAs(database, 'admin-j', [{ role: 'ente_admin', enteId: jesolo }]),
    });
    expect(form.body).toContain(`value="${base}/sandbox/ente"`);
    expect(form.body).toContain(`${base}/accedi/operatori/ente/callback`);
    expect(form.body).not.toContain(clientSecret);
    const kept = await sql<{ client_secret: string }>`
      select client_secret from enterprise_idps where ente_id = ${jesolo}`.execute(database.db);
    expect(unseal(kept.rows[0]!.client_secret, deps.sealKey)).toBe(clientSecret);
    const audit = await sql<{ action: string; content: unknown }>`
      select action, content from audit_events
      where ente_id = ${jesolo} and action like 'enterprise-idp.%' order by seq`.execute(database.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['enterprise-idp.create', 'enterprise-idp.update']);
    expect(JSON.stringify(audit.rows)).not.toContain(clientSecret);
    // Row-level security: under another ente, the application role sees no provider of Jesolo's.
    const seen = (ente: string) =>
      withTenant(
        database.db,
        ente,
        async (trx) =>
          (await sql<{ n: number }>`select count(*)::int as n from enterprise_idps`.execute(trx)).rows[0]!.n,
      );
    expect(await seen(jesolo)).toBe(1);
    expect(await seen(await enteId(database, 'caorle'))).toBe(0);
  });
});

describe('operators’ login with the ente’s identity provider', () => {
  it('signs an invited operator in, with PKCE, state and nonce, and links the provider identity', async () => {
    await invite(RITA);
    const choice = await new Agent(base).get('/accedi/operatori/ente');
    expect(choice.body).toContain('Comune di Jesolo');
    const { authorize, result, agent } = await login('rita');
    expect(authorize.origin + authorize.pathname).toBe(`${base}/sandbox/ente/auth`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe('convergenza');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(result.status).toBe(303);
    expect(result.location).toBe('/sessioni');
    const sessions = await agent.get('/sessioni');
    expect(sessions.status).toBe(200);
    expect(sessions.body).toContain('enterprise-oidc');
    expect(await sessionsOf(RITA)).toEqual(['enterprise-oidc']);
    const link = await sql<{ provider: string; subject: string }>`
      select provider, subject from user_identities where provider like 'enterprise:%/sandbox/ente'`.execute(
      database.db,
    );
    expect(link.rows).toEqual([{ provider: `enterprise:${base}/sandbox/ente`, subject: 'rita' }]);
  });

  it('recognises a linked provider identity even after the account’s address changes', async () => {
    await sql`update staff_accounts set email = 'rita.nuova@comune.jesolo.example.it'
      where email = ${RITA}`.execute(database.db);
    const { result } = await login('rita');
    expect(result.status).toBe(303);
    expect(await sessionsOf('rita.nuova@comune.jesolo.example.it')).toHaveLength(2);
    await sql`update staff_accounts set email = ${RITA}
      where email = 'rita.nuova@comune.jesolo.example.it'`.execute(database.db);
  });

  it('refuses a tampered state, nonce or issuer, audits it, and opens no session', async () => {
    const before = (await sessionsOf(RITA)).length;
    const state = await login('rita', { forge: (url) => url.searchParams.set('state', 'x'.repeat(43)) });
    const nonce = await login('rita', {
      meddle: async (agent) => {
        await sql`update auth_tokens set data = jsonb_set(data, '{nonce}', '"falso"')
          where token_hash = ${hashToken(agent.jar.get('cz_ente_oidc')!)}`.execute(database.db);
      },
    });
    const issuer = await login('rita', {
      forge: (url) => url.searchParams.set('iss', 'https://idp.malintenzionato.example'),
    });
    for (const { result, agent } of [state, nonce, issuer]) {
      expect(result.status).toBe(400);
      expect(result.body).toContain('non è valida');
      expect(agent.jar.has('cz_session')).toBe(false);
    }
    expect((await sessionsOf(RITA)).length).toBe(before);
    const invalid = (await failures()).filter((c) => c.reason === 'invalid');
    expect(invalid).toHaveLength(3);
  });

  it('refuses a replayed return', async () => {
    const { callback, agent } = await login('rita');
    const thief = new Agent(base);
    thief.jar = new Map(agent.jar);
    thief.jar.delete('cz_session');
    const replay = await thief.get(callback.href);
    expect(replay.status).toBe(400);
    expect(thief.jar.has('cz_session')).toBe(false);
  });

  it('refuses a person with no invitation, and creates no account nor session', async () => {
    const email = 'luisa.sportello@comune.jesolo.example.it';
    const { result, agent } = await login('luisa');
    expect(result.status).toBe(403);
    expect(result.body).toContain('Non hai un account di operatore abilitato per questo ente.');
    expect(agent.jar.has('cz_session')).toBe(false);
    const created = await sql<{ n: number }>`
      select (select count(*) from users where lower(email) = ${email})
           + (select count(*) from staff_accounts where lower(email) = ${email})
           + (select count(*) from user_identities where subject = 'luisa') as n`.execute(database.db);
    expect(Number(created.rows[0]!.n)).toBe(0);
    const unknown = (await failures()).filter((c) => c.reason === 'unknown');
    expect(unknown).toHaveLength(1);
    expect(JSON.stringify(unknown)).not.toContain('luisa');

    // Staff of another ente only: this ente's provider does not vouch for them.
    await invite(email, 'operator', await enteId(database, 'caorle'));
    const elsewhere = await login('luisa');
    expect(elsewhere.result.status).toBe(403);
    expect(await sessionsOf(email)).toEqual([]);
  });

  it('never vouches for a SAD admin, even one whose grant sits on the ente that set the provider up', async () => {
    await invite(RITA);
    const { rows } = await sql<{ user_id: string }>`
      select user_id from staff_accounts where lower(email) = ${RITA}`.execute(database.db);
    const userId = rows[0]!.user_id;
    await sql`insert into staff_grants (ente_id, user_id, role, granted_by)
      values (${jesolo}, ${userId}, 'sad_admin', 'test')`.execute(database.db);
    try {
      const before = (await sessionsOf(RITA)).length;
      const { result } = await login('rita', { mfa: true });
      expect(result.status).toBe(403);
      expect(await sessionsOf(RITA)).toHaveLength(before);
    } finally {
      await sql`delete from staff_grants where user_id = ${userId} and role = 'sad_admin'`.execute(
        database.db,
      );
    }
  });

  it('refuses an address outside the allowed domain, and an address the provider did not verify', async () => {
    await invite('sara.consulente@studio-esterno.example.org');
    const outside = await login('sara');
    expect(outside.result.status).toBe(403);
    expect(outside.result.body).toContain('non è nel dominio ammesso');
    expect(await sessionsOf('sara.consulente@studio-esterno.example.org')).toEqual([]);
    await invite('paolo.nonverificato@comune.jesolo.example.it');
    const unverified = await login('paolo');
    expect(unverified.result.status).toBe(403);
    expect(unverified.result.body).toContain('non ha confermato il tuo indirizzo e-mail');
    expect(await sessionsOf('paolo.nonverificato@comune.jesolo.example.it')).toEqual([]);
  });

  it('asks an admin for the TOTP code unless the provider asserts a second factor', async () => {
    const email = 'marco.amministratore@comune.jesolo.example.it';
    const { invitation } = await invite(email, 'ente_admin');
    const browser = new Browser(built.app);
    await browser.get(`/accedi/invito?t=${invitation}`);
    const setup = await browser.post('/accedi/invito', {
      t: invitation!,
      password: 'password di prova 2026',
    });
    const secret = /<code>([A-Z2-7]+)<\/code>/.exec(setup.body)![1]!;
    await browser.post('/accedi/invito/codice', { t: invitation!, code: totpNow(secret, -1) });

    const { result, agent } = await login('marco', { next: '/jesolo/admin/personale' });
    expect(result.status).toBe(303);
    expect(result.location).toBe('/accedi/operatori/codice?next=%2Fjesolo%2Fadmin%2Fpersonale');
    expect(agent.jar.has('cz_session')).toBe(false);
    const codePage = await agent.get(result.location);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(codePage.body)![1]!;
    const done = await agent.post(result.location, { _csrf: csrf, code: totpNow(secret) });
    expect(done.location).toBe('/jesolo/admin/personale');
    expect((await agent.get('/jesolo/admin/personale')).status).toBe(200);

    const strong = await login('marco', { mfa: true });
    expect(strong.result.location).toBe('/sessioni');
    expect(await sessionsOf(email)).toEqual(['password+totp', 'enterprise-oidc+totp', 'enterprise-oidc']);
  });

  it('refuses an admin who has no second factor anywhere', async () => {
    const email = 'luisa.sportello@comune.jesolo.example.it';
    await sql`delete from staff_grants where user_id = (
      select user_id from staff_accounts where email = ${email})`.execute(database.db);
    await invite(email, 'ente_admin');
    const weak = await login('luisa');
    expect(weak.result.status).toBe(403);
    expect(weak.result.body).toContain('Il tuo ruolo richiede un secondo fattore');
    const strong = await login('luisa', { mfa: true });
    expect(strong.result.status).toBe(303);
    expect(await sessionsOf(email)).toEqual(['enterprise-oidc']);
  });

  it('says the login was cancelled when the person gives up at the provider', async () => {
    const { result } = await login('');
    expect(result.status).toBe(401);
    expect(result.body).toContain('annullato');
  });

  it('works with client_secret_post, and explains a provider that does not answer', async () => {
    expect(
      (
        await configure(
          'jesolo',
          settings({ clientId: 'convergenza-post', authMethod: 'client_secret_post' }),
        )
      ).statusCode,
    ).toBe(303);
    const { result, authorize } = await login('rita');
    expect(authorize.searchParams.get('client_id')).toBe('convergenza-post');
    expect(result.status).toBe(303);

    expect((await configure('caorle', settings({ issuer: `${base}/sandbox/nessuno` }))).statusCode).toBe(303);
    const down = await new Agent(base).get('/accedi/operatori/ente/avvia?ente=caorle');
    expect(down.status).toBe(502);
    expect(down.body).toContain('non risponde');
    const unknown = await new Agent(base).get('/accedi/operatori/ente/avvia?ente=dolo');
    expect(unknown.status).toBe(400);
  });
});
