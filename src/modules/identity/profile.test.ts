// The citizen profile, used through the pages as a person would, with the e-mail read in the sandbox.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailTo } from '../../../test/mailbox.ts';
import { Browser, enteId, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { createSession, SESSION_COOKIE } from '../../platform/auth/sessions.repo.ts';
import { upsertCitizen } from './identity.repo.ts';
import { inviteStaff } from './identity.service.ts';
import { checkContacts, normalisePhone } from './profile.service.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: string;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  jesolo = await enteId(database, 'jesolo');
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

/** A browser signed in as a synthetic citizen (as after a SPID login). */
async function citizen(subject: string) {
  const userId = await upsertCitizen(
    database.db,
    { provider: 'oidc:test', subject },
    {
      displayName: 'Giulia Zanetti',
      givenName: 'Giulia',
      familyName: 'Zanetti',
      email: null,
      fiscalNumber: 'ZNTGLI84C52L736W',
    },
  );
  const { token } = await createSession(database.db, {
    principal: { subject: userId, userId, displayName: 'Giulia Zanetti', grants: [{ role: 'citizen' }] },
    userId,
  });
  const browser = new Browser(built.app);
  browser.cookies[SESSION_COOKIE] = token;
  return { browser, userId };
}

const userRow = (id: string) =>
  database.db
    .withTables<{
      users: { id: string; email: string | null; email_verified_at: Date | null; phone: string | null };
    }>()
    .selectFrom('users')
    .select(['email', 'email_verified_at', 'phone'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const form = (fields: Partial<Record<'email' | 'phone' | 'lang' | 'io', string>>) => ({
  email: '',
  phone: '',
  lang: 'it',
  ...fields,
});

describe('citizen profile', () => {
  it('asks to log in first, and is not for staff accounts', async () => {
    expect((await built.app.inject({ url: '/profilo' })).statusCode).toBe(401);
    const grants = [{ role: 'operator' as const, enteId: jesolo }];
    const { userId } = await inviteStaff(
      { db: database.db, sealKey: 'x', timeouts: { idleSeconds: 600, absoluteSeconds: 3600 } },
      'test',
      {
        email: 'operatore@comune.example.it',
        displayName: 'Paolo Operatore',
        enteId: jesolo,
        role: 'operator',
      },
    );
    const { token } = await createSession(database.db, {
      principal: { subject: userId, userId, displayName: 'Paolo Operatore', grants },
      userId,
    });
    const staff = { [SESSION_COOKIE]: token };
    expect((await built.app.inject({ url: '/profilo', cookies: staff })).statusCode).toBe(403);
  });

  it('shows the identity data read-only, and links back to the personal area it came from', async () => {
    const { browser } = await citizen('profile-read');
    const page = await browser.get('/profilo?next=%2Fjesolo%2Farea-personale');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('ZNTGLI84C52L736W');
    expect(page.body).not.toMatch(/name="(fiscal|given|family)/);
    expect(page.body).toContain('href="/jesolo/area-personale"');
    const area = await browser.get('/jesolo/area-personale');
    expect(area.body).toContain('href="/profilo?next=%2Fjesolo%2Farea-personale"');
  });

  it('keeps the input and shows each error next to its field', async () => {
    const { browser, userId } = await citizen('profile-errors');
    await browser.get('/profilo');
    const res = await browser.post('/profilo', form({ email: 'giulia@', phone: '12ab', io: '1' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="email-error"');
    expect(res.body).toContain('id="phone-error"');
    expect(res.body).toContain('value="giulia@"');
    expect(res.body).toContain('value="12ab"');
    expect(res.body).toMatch(/id="io"[^>]*checked/);
    expect(res.body).toContain('href="#email"');
    expect(await userRow(userId)).toMatchObject({ email: null, phone: null });
  });

  it('verifies a new e-mail address through a link that works once', async () => {
    const { browser, userId } = await citizen('profile-verify');
    await browser.get('/profilo');
    const saved = await browser.post(
      '/profilo',
      form({ email: 'giulia.z@posta.example', phone: '333 123 4567' }),
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/profilo?esito=salvato&lang=it&verifica=inviata');
    expect(await userRow(userId)).toMatchObject({
      email: 'giulia.z@posta.example',
      email_verified_at: null,
      phone: '+393331234567',
    });
    const page = await browser.get(saved.headers.location as string);
    expect(page.body).toContain('data-email-status="unverified"');

    const [mail, ...more] = await mailTo(built, 'giulia.z@posta.example');
    expect(more).toEqual([]);
    expect(mail!.subject).toBe('Verifica il tuo indirizzo e-mail');
    const link = new URL(mail!.link!);
    expect(link.pathname).toBe('/profilo/verifica-email');
    // Opened on another device, without logging in.
    const verified = await built.app.inject({ url: link.pathname + link.search });
    expect(verified.statusCode).toBe(200);
    expect(verified.body).toContain('L’indirizzo giulia.z@posta.example è verificato.');
    expect((await userRow(userId)).email_verified_at).toBeInstanceOf(Date);
    expect((await browser.get('/profilo')).body).toContain('data-email-status="verified"');

    const again = await built.app.inject({ url: link.pathname + link.search });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('data-verification="invalid"');
  });

  it('resets verification when the address changes, and the old link stops working', async () => {
    const { browser, userId } = await citizen('profile-change');
    await browser.get('/profilo');
    await browser.post('/profilo', form({ email: 'prima@posta.example' }));
    const [first] = await mailTo(built, 'prima@posta.example');
    const firstLink = new URL(first!.link!);
    await built.app.inject({ url: firstLink.pathname + firstLink.search });
    expect((await userRow(userId)).email_verified_at).not.toBeNull();

    await browser.get('/profilo');
    await browser.post('/profilo', form({ email: 'dopo@posta.example' }));
    expect(await userRow(userId)).toMatchObject({ email: 'dopo@posta.example', email_verified_at: null });
    const [second] = await mailTo(built, 'dopo@posta.example');
    const secondLink = new URL(second!.link!);
    await browser.get('/profilo');
    await browser.post('/profilo', form({ email: 'terza@posta.example' }));
    const stale = await built.app.inject({ url: secondLink.pathname + secondLink.search });
    expect(stale.statusCode).toBe(400);
    expect(await userRow(userId)).toMatchObject({ email: 'terza@posta.example', email_verified_at: null });
  });

  it('saves the language and App IO consent; the page then speaks the chosen language', async () => {
    const { browser } = await citizen('profile-lang');
    await browser.get('/profilo');
    const saved = await browser.post('/profilo', form({ lang: 'en', io: '1' }));
    expect(saved.headers.location).toBe('/profilo?esito=salvato&lang=en');
    const page = await browser.get(saved.headers.location as string);
    expect(page.body).toContain('<html lang="en"');
    expect(page.body).toContain('Profile updated.');
    expect(page.body).toMatch(/id="io"[^>]*checked/);
    expect(page.body).toMatch(/<option value="en"[^>]*selected/);
    // The choice sticks: the language cookie is set, so the next page is in English too.
    expect((await browser.get('/sessioni')).body).toContain('<html lang="en"');
  });

  it('records what changed in the audit log of the ente the citizen came from, without the values', async () => {
    const { browser, userId } = await citizen('profile-audit');
    await browser.get('/profilo?next=%2Fjesolo%2Farea-personale');
    const saved = await browser.post(
      '/profilo?next=%2Fjesolo%2Farea-personale',
      form({ email: 'audit@posta.example', phone: '+39 041 123456' }),
    );
    expect(saved.headers.location).toContain('next=%2Fjesolo%2Farea-personale');
    const events = await sql<{
      ente_id: string;
      content: { changed: string[] };
    }>`select ente_id, content from audit_events where action = 'profile.update' and target_id = ${userId}`.execute(
      database.db,
    );
    expect(events.rows).toEqual([{ ente_id: jesolo, content: { changed: ['email', 'phone'] } }]);
    expect(JSON.stringify(events.rows)).not.toContain('audit@posta.example');
  });

  it('refuses a profile form posted without its CSRF token', async () => {
    const { browser } = await citizen('profile-csrf');
    const res = await built.app.inject({
      method: 'POST',
      url: '/profilo',
      cookies: browser.cookies,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=x%40posta.example&phone=&lang=it',
    });
    expect(res.statusCode).toBe(403);
  });

  it('sends at most a few verification links an hour', async () => {
    const { browser } = await citizen('profile-throttle');
    await browser.get('/profilo');
    await browser.post('/profilo', form({ email: 'molte@posta.example' }));
    for (let i = 0; i < 4; i++) {
      await browser.get('/profilo');
      await browser.post('/profilo/verifica-email/invia');
    }
    await browser.get('/profilo');
    const refused = await browser.post('/profilo/verifica-email/invia');
    expect(refused.headers.location).toBe('/profilo?verifica=limite');
    expect(await mailTo(built, 'molte@posta.example')).toHaveLength(5);
  });
});

describe('contact rules', () => {
  it('accepts Italian and international phone numbers, in international form', () => {
    expect(normalisePhone('333 123 4567')).toBe('+393331234567');
    expect(normalisePhone('+39 041-123456')).toBe('+39041123456');
    expect(normalisePhone('0039 06 1234 5678')).toBe('+390612345678');
    expect(normalisePhone('+33 1 23 45 67 89')).toBe('+33123456789');
    for (const bad of ['12345', '+39 123456789', '333-abc', '+0 123 456 789', '3'.repeat(20)]) {
      expect(normalisePhone(bad)).toBeNull();
    }
  });

  it('allows an empty e-mail and phone, and refuses an unknown language', () => {
    expect(checkContacts({ email: ' ', phone: '', lang: 'it', ioConsent: false })).toEqual({
      contacts: { email: null, phone: null, lang: 'it', ioConsent: false },
    });
    expect(checkContacts({ email: '', phone: '', lang: 'de', ioConsent: false })).toEqual({
      errors: { lang: 'validation.required' },
    });
  });
});
