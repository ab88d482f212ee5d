// Staff login and activation, used through the pages as a person would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, enteId, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { findSession } from '../../platform/auth/sessions.repo.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { totpNow } from './credentials.ts';
import { safeNext } from './identity.layout.tsx';
import { inviteStaff } from './identity.service.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof testApp>>['app'];
let sad: string;
const PASSWORD = 'password di prova 2026';

beforeAll(async () => {
  database = await testDatabase();
  ({ app } = await testApp(database));
  sad = await enteId(database, 'cm-venezia');
});
afterAll(async () => {
  await app.close();
  await database.close();
});

async function invite(email: string, role: 'sad_admin' | 'operator' = 'sad_admin') {
  const deps = {
    db: database.db,
    sealKey: await platformSecret(database.db, 'seal'),
    timeouts: { idleSeconds: 600, absoluteSeconds: 3600 },
  };
  const { invitation } = await inviteStaff(deps, 'test', {
    email,
    displayName: 'Giulia Rossi',
    enteId: sad,
    role,
  });
  return invitation!;
}

/** Activates an invited account through the pages; returns the TOTP secret shown on the setup page. */
async function activate(browser: Browser, token: string): Promise<string> {
  await browser.get(`/accedi/invito?t=${token}`);
  const setup = await browser.post('/accedi/invito', { t: token, password: PASSWORD });
  const secret = /<code>([A-Z2-7]+)<\/code>/.exec(setup.body)![1]!;
  // The previous 30-second step: the logins of the test use the current and the next one.
  const done = await browser.post('/accedi/invito/codice', { t: token, code: totpNow(secret, -1) });
  expect(done.statusCode).toBe(303);
  return secret;
}

describe('staff activation', () => {
  it('sets a password and an authenticator from the invitation link, then lands in the console', async () => {
    const token = await invite('giulia@cittametropolitana.example.it');
    const browser = new Browser(app);
    const form = await browser.get(`/accedi/invito?t=${token}`);
    expect(form.body).toContain('giulia@cittametropolitana.example.it');
    const weak = await browser.post('/accedi/invito', { t: token, password: 'corta' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('id="password-error"');
    const setup = await browser.post('/accedi/invito', { t: token, password: PASSWORD });
    expect(setup.body).toContain('data:image/png;base64,');
    expect(setup.body).not.toContain('Configura più tardi'); // admins may not postpone
    const secret = /<code>([A-Z2-7]+)<\/code>/.exec(setup.body)![1]!;
    const wrong = await browser.post('/accedi/invito/codice', { t: token, code: '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain(`<code>${secret}</code>`);
    const done = await browser.post('/accedi/invito/codice', { t: token, code: totpNow(secret) });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/sad');
    const session = done.cookies.find((c) => c.name === 'cz_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect((await browser.get('/sad')).statusCode).toBe(200);
    // The link is spent.
    expect((await new Browser(app).get(`/accedi/invito?t=${token}`)).statusCode).toBe(400);
  });
});

describe('staff login', () => {
  it('asks the password, then the code, and returns to the page that asked', async () => {
    const secret = await activate(new Browser(app), await invite('marco@cittametropolitana.example.it'));
    const browser = new Browser(app);
    await browser.get('/accedi/operatori?next=%2Fsad%2Fjobs');
    const first = await browser.post('/accedi/operatori?next=%2Fsad%2Fjobs', {
      email: 'marco@cittametropolitana.example.it',
      password: PASSWORD,
    });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/accedi/operatori/codice?next=%2Fsad%2Fjobs');
    expect(browser.cookies.cz_session).toBeUndefined();
    await browser.get(first.headers.location as string);
    const second = await browser.post('/accedi/operatori/codice?next=%2Fsad%2Fjobs', {
      code: totpNow(secret),
    });
    expect(second.headers.location).toBe('/sad/jobs');
    const jobs = await browser.get('/sad/jobs');
    expect(jobs.statusCode).toBe(200);
    expect(jobs.body).toContain('href="/esci"');

    // Logging in again rotates the session: the previous one ends.
    const previous = browser.cookies.cz_session!;
    await browser.get('/accedi/operatori');
    await browser.post('/accedi/operatori', {
      email: 'marco@cittametropolitana.example.it',
      password: PASSWORD,
    });
    await browser.get('/accedi/operatori/codice');
    await browser.post('/accedi/operatori/codice', { code: totpNow(secret, 1) });
    expect(browser.cookies.cz_session).not.toBe(previous);
    expect(await findSession(database.db, previous)).toBeNull();
    expect((await browser.get('/sad/jobs')).statusCode).toBe(200);
  });

  it('gives one message for an unknown address and a wrong password, and never redirects off-site', async () => {
    await activate(new Browser(app), await invite('sara@cittametropolitana.example.it'));
    const browser = new Browser(app);
    await browser.get('/accedi/operatori');
    const unknown = await browser.post('/accedi/operatori', { email: 'chi@example.it', password: PASSWORD });
    const wrong = await browser.post('/accedi/operatori', {
      email: 'sara@cittametropolitana.example.it',
      password: 'sbagliata 12345',
    });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.body).toContain('Indirizzo e-mail o password non corretti.');
    expect(wrong.body).toContain('Indirizzo e-mail o password non corretti.');
    for (const next of [
      '//evil.example/x',
      'https://evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      expect(safeNext(next)).toBe('/');
    }
    expect(safeNext('/jesolo/servizi?x=1')).toBe('/jesolo/servizi?x=1');
  });

  it('locks the account after repeated failures and says when to retry', async () => {
    await activate(new Browser(app), await invite('luca@cittametropolitana.example.it'));
    const browser = new Browser(app);
    await browser.get('/accedi/operatori');
    let res = await browser.post('/accedi/operatori', {
      email: 'luca@cittametropolitana.example.it',
      password: 'x'.repeat(12),
    });
    res = await browser.post('/accedi/operatori', {
      email: 'luca@cittametropolitana.example.it',
      password: 'x'.repeat(12),
    });
    res = await browser.post('/accedi/operatori', {
      email: 'luca@cittametropolitana.example.it',
      password: 'x'.repeat(12),
    });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toContain('Troppi tentativi');
  });

  it('refuses a login form posted without its CSRF token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/accedi/operatori',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a%40b.it&password=whatever',
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('sessions and logout', () => {
  it('lists active sessions, ends the others, and logs out', async () => {
    const token = await invite('paola@cittametropolitana.example.it', 'operator');
    const laptop = new Browser(app);
    await laptop.get(`/accedi/invito?t=${token}`);
    const setup = await laptop.post('/accedi/invito', { t: token, password: PASSWORD });
    expect(setup.body).toContain('Configura più tardi'); // operators may postpone
    await laptop.post('/accedi/invito/dopo', { t: token });
    const phone = new Browser(app);
    await phone.get('/accedi/operatori');
    const login = await phone.post('/accedi/operatori', {
      email: 'paola@cittametropolitana.example.it',
      password: PASSWORD,
    });
    expect(login.statusCode).toBe(303); // no second factor yet: straight in

    const list = await laptop.get('/sessioni');
    expect(list.body.match(/data-session="(current|other)"/g)).toEqual([
      'data-session="other"',
      'data-session="current"',
    ]);
    await laptop.post('/sessioni/altre');
    expect((await phone.get('/sessioni')).statusCode).toBe(401);
    expect((await laptop.get('/sessioni')).statusCode).toBe(200);

    await laptop.get('/esci');
    const out = await laptop.post('/esci');
    expect(out.headers.location).toBe('/esci');
    expect((await laptop.get('/sessioni')).statusCode).toBe(401);
  });
});
