// Staff password reset by e-mail, used through the pages, with the e-mail read in the sandbox.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailTo } from '../../../test/mailbox.ts';
import { Browser, enteId, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { findSession } from '../../platform/auth/sessions.repo.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { totpNow } from './credentials.ts';
import {
  acceptInvitation,
  confirmTotpSetup,
  type IdentityDeps,
  inviteStaff,
  passwordLogin,
  postponeTotpSetup,
} from './identity.service.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let deps: IdentityDeps;
let jesolo: string;
const OLD = 'password vecchia 2026';
const NEW = 'password nuova 2027';

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  jesolo = await enteId(database, 'jesolo');
  deps = {
    db: database.db,
    sealKey: await platformSecret(database.db, 'seal'),
    timeouts: { idleSeconds: 600, absoluteSeconds: 3600 },
  };
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

/** An active operator account; with TOTP unless told otherwise. Returns its TOTP secret, if any. */
async function operator(email: string, withTotp = true): Promise<string | null> {
  const { invitation } = await inviteStaff(deps, 'test', {
    email,
    displayName: 'Sara Operatrice',
    enteId: jesolo,
    role: 'operator',
  });
  const { totpSecret } = await acceptInvitation(deps, invitation!, OLD);
  if (!withTotp) {
    await postponeTotpSetup(deps, invitation!);
    return null;
  }
  await confirmTotpSetup(deps, invitation!, totpNow(totpSecret, -1));
  return totpSecret;
}

async function askReset(email: string) {
  const browser = new Browser(built.app);
  await browser.get('/accedi/operatori/password-dimenticata');
  return browser.post('/accedi/operatori/password-dimenticata', { email });
}

const resetPath = (link: string) => {
  const url = new URL(link);
  return { path: url.pathname + url.search, token: url.searchParams.get('t')! };
};

const account = (email: string) =>
  sql<{
    user_id: string;
    failed_logins: number;
    locked_until: Date | null;
  }>`select user_id, failed_logins, locked_until from staff_accounts where email = ${email}`
    .execute(database.db)
    .then((r) => r.rows[0]!);

describe('staff password reset', () => {
  it('is offered on the operator login page', async () => {
    const page = await built.app.inject({ url: '/accedi/operatori' });
    expect(page.body).toContain('href="/accedi/operatori/password-dimenticata"');
    expect(page.body).toContain('Password dimenticata?');
  });

  it('answers the same for an unknown address as for an account, and mails only the account', async () => {
    await operator('sara@comune.example.it');
    const known = await askReset('sara@comune.example.it');
    const unknown = await askReset('nessuno@comune.example.it');
    const main = (body: string) => /<main[\s\S]*<\/main>/.exec(body)![0];
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(main(unknown.body)).toBe(main(known.body));
    expect(await mailTo(built, 'nessuno@comune.example.it')).toEqual([]);
    const [mail] = await mailTo(built, 'sara@comune.example.it');
    expect(mail!.subject).toBe('Scegli una nuova password');
    expect(mail!.link).toMatch(/\/accedi\/operatori\/nuova-password\?t=[A-Za-z0-9_-]{43}$/);
  });

  it('sets the new password once (with a current code), ends every session and clears the lockout', async () => {
    const secret = await operator('marco@comune.example.it');
    const { user_id: userId } = await account('marco@comune.example.it');
    // A session open elsewhere, and a lockout from failed logins.
    const login = await passwordLogin(deps, 'marco@comune.example.it', OLD);
    expect(login.kind).toBe('totp');
    const elsewhere = new Browser(built.app);
    await elsewhere.get('/accedi/operatori');
    await elsewhere.post('/accedi/operatori', { email: 'marco@comune.example.it', password: OLD });
    await elsewhere.get('/accedi/operatori/codice');
    await elsewhere.post('/accedi/operatori/codice', { code: totpNow(secret!) });
    const session = elsewhere.cookies.cz_session!;
    expect(await findSession(database.db, session)).not.toBeNull();
    for (let i = 0; i < 3; i++) await passwordLogin(deps, 'marco@comune.example.it', 'sbagliata 123456');
    expect((await account('marco@comune.example.it')).locked_until).not.toBeNull();

    await askReset('marco@comune.example.it');
    const [mail] = await mailTo(built, 'marco@comune.example.it');
    const { path, token } = resetPath(mail!.link!);
    const browser = new Browser(built.app);
    const form = await browser.get(path);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="code"');
    const weak = await browser.post('/accedi/operatori/nuova-password', {
      t: token,
      password: 'corta',
      code: '',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('id="password-error"');
    const noCode = await browser.post('/accedi/operatori/nuova-password', {
      t: token,
      password: NEW,
      code: '',
    });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.body).toContain('id="code-error"');
    const done = await browser.post('/accedi/operatori/nuova-password', {
      t: token,
      password: NEW,
      code: totpNow(secret!, 1),
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('data-reset="done"');

    expect(await findSession(database.db, session)).toBeNull();
    expect(await account('marco@comune.example.it')).toMatchObject({ failed_logins: 0, locked_until: null });
    expect((await passwordLogin(deps, 'marco@comune.example.it', OLD)).kind).toBe('invalid');
    expect((await passwordLogin(deps, 'marco@comune.example.it', NEW)).kind).toBe('totp');
    const events = await sql<{
      action: string;
    }>`select action from audit_events where target_id = ${userId} and action like 'auth.password-reset%' order by seq`.execute(
      database.db,
    );
    expect(events.rows.map((e) => e.action)).toEqual([
      'auth.password-reset-requested',
      'auth.password-reset-failed',
      'auth.password-reset',
    ]);

    // The link is spent.
    const again = await new Browser(built.app).get(path);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('data-reset="invalid"');
  });

  it('asks no code of an account without an authenticator', async () => {
    await operator('paola@comune.example.it', false);
    await askReset('paola@comune.example.it');
    const [mail] = await mailTo(built, 'paola@comune.example.it');
    const { path, token } = resetPath(mail!.link!);
    const browser = new Browser(built.app);
    expect((await browser.get(path)).body).not.toContain('name="code"');
    const done = await browser.post('/accedi/operatori/nuova-password', { t: token, password: NEW });
    expect(done.body).toContain('data-reset="done"');
    expect((await passwordLogin(deps, 'paola@comune.example.it', NEW)).kind).toBe('signed-in');
  });

  it('refuses an expired link', async () => {
    await operator('luca@comune.example.it', false);
    await askReset('luca@comune.example.it');
    const [mail] = await mailTo(built, 'luca@comune.example.it');
    const { path, token } = resetPath(mail!.link!);
    await sql`update auth_tokens set expires_at = now() - interval '1 minute' where purpose = 'password-reset'`.execute(
      database.db,
    );
    const browser = new Browser(built.app);
    expect((await browser.get(path)).statusCode).toBe(400);
    await browser.get('/accedi/operatori/password-dimenticata');
    const post = await browser.post('/accedi/operatori/nuova-password', { t: token, password: NEW });
    expect(post.statusCode).toBe(400);
    expect((await passwordLogin(deps, 'luca@comune.example.it', NEW)).kind).toBe('invalid');
  });

  it('uses the link up after three wrong codes', async () => {
    await operator('anna@comune.example.it');
    await askReset('anna@comune.example.it');
    const [mail] = await mailTo(built, 'anna@comune.example.it');
    const { path, token } = resetPath(mail!.link!);
    const browser = new Browser(built.app);
    await browser.get(path);
    for (let i = 0; i < 3; i++) {
      await browser.post('/accedi/operatori/nuova-password', { t: token, password: NEW, code: '000000' });
    }
    expect((await browser.get(path)).statusCode).toBe(400);
  });

  it('sends at most three links an hour to one account, still answering the same', async () => {
    await operator('elena@comune.example.it', false);
    for (let i = 0; i < 5; i++) {
      const res = await askReset('elena@comune.example.it');
      expect(res.body).toContain('data-reset="requested"');
    }
    const mails = await mailTo(built, 'elena@comune.example.it');
    expect(mails).toHaveLength(3);
    // Each new link replaces the previous one: only the last works.
    const statuses = [];
    for (const mail of mails)
      statuses.push((await new Browser(built.app).get(resetPath(mail.link!).path)).statusCode);
    expect(statuses.sort()).toEqual([200, 400, 400]);
  });

  it('answers odd requests with a client error, never a server error', async () => {
    const empty = await built.app.inject({
      method: 'POST',
      url: `/accedi/operatori/nuova-password?t=${'a'.repeat(43)}`,
    });
    // A post with no form at all carries no CSRF token either.
    expect(empty.statusCode).toBe(403);
    const list = await built.app.inject({
      method: 'POST',
      url: '/accedi/operatori/password-dimenticata',
      payload: { email: ['sara@comune.example.it', 'x@comune.example.it'] },
    });
    expect(list.statusCode).toBe(400);
    const token = await built.app.inject({ url: '/accedi/operatori/nuova-password?t=1&t=2' });
    expect(token.statusCode).toBe(400);
  });

  it('refuses a malformed address with an error next to the field, keeping it', async () => {
    const res = await askReset('non-un-indirizzo');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="email-error"');
    expect(res.body).toContain('value="non-un-indirizzo"');
  });
});
