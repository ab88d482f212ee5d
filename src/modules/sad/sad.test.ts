import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  enteId,
  sessionAs,
  type TestDatabase,
  testApp,
  testDatabase,
} from '../../../test/support.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { seedAggregation } from '../tenancy/index.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let sad: string;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  sad = await enteId(database, 'cm-venezia');
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

/** Posts a console form as the browser would: with the CSRF token and cookie of a freshly opened page. */
async function postForm(session: Record<string, string>, url: string) {
  const browser = new Browser(built.app);
  browser.cookies = { ...session };
  await browser.get('/sad');
  return browser.post(url);
}

describe('SAD console', () => {
  it('is only for SAD admins', async () => {
    expect((await built.app.inject({ url: '/sad' })).statusCode).toBe(401);
    const enteAdmin = await sessionAs(database, 'admin-x', [{ role: 'ente_admin', enteId: sad }]);
    expect((await built.app.inject({ url: '/sad/jobs', cookies: enteAdmin })).statusCode).toBe(403);
  });

  it('queues an audit check per ente, runs it, and lists the jobs', async () => {
    const admin = await sessionAs(database, 'sad-admin', [{ role: 'sad_admin', enteId: sad }]);
    const res = await postForm(admin, '/sad/audit-check');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sad?queued=23');
    // Once a day: asking again queues nothing new.
    const again = await postForm(admin, '/sad/audit-check');
    expect(again.headers.location).toBe('/sad?queued=0');
    while ((await built.worker.runOnce()) > 0);
    const page = await built.app.inject({ url: '/sad/jobs?status=done', cookies: admin });
    expect(page.body.match(/data-job-status="done"/g)).toHaveLength(23);
  });

  it('shows a broken audit chain as a failed job that can be retried', async () => {
    const admin = await sessionAs(database, 'sad-admin-2', [{ role: 'sad_admin', enteId: sad }]);
    await sql`update audit_events set actor = 'forged' where ente_id = ${sad} and seq = 2`.execute(
      database.db,
    );
    const { id } = await enqueue(database.db, sad, 'audit.verify', {}, { maxAttempts: 1 });
    while ((await built.worker.runOnce()) > 0);
    const page = await built.app.inject({ url: '/sad/jobs?status=dead', cookies: admin });
    expect(page.body).toContain('audit chain broken at event 2: event-changed');
    const retry = await postForm(admin, `/sad/jobs/${sad}/${id}/retry`);
    expect(retry.statusCode).toBe(303);
    const queued = await built.app.inject({ url: '/sad/jobs?status=queued', cookies: admin });
    expect(queued.body).toContain('data-job-status="queued"');
  });

  it("does not show or retry another SAD's jobs", async () => {
    const { sad: treviso } = await seedAggregation(database.db, 'treviso');
    const { id } = await enqueue(database.db, treviso.id, 'audit.verify', {}, { maxAttempts: 1 });
    await sql`update jobs set status = 'dead' where id = ${id}`.execute(database.db);
    const admin = await sessionAs(database, 'sad-admin-3', [{ role: 'sad_admin', enteId: sad }]);
    const page = await built.app.inject({ url: '/sad/jobs', cookies: admin });
    expect(page.body).not.toContain('Provincia di Treviso');
    const retry = await postForm(admin, `/sad/jobs/${treviso.id}/${id}/retry`);
    expect(retry.statusCode).toBe(404);
    const row = await sql<{ status: string }>`select status from jobs where id = ${id}`.execute(database.db);
    expect(row.rows[0]!.status).toBe('dead');
  });
});

describe('staff invitations from the console', () => {
  it('invites an operator of a member comune, whose link activates the account with that role', async () => {
    const browser = new Browser(built.app);
    browser.cookies = await sessionAs(database, 'sad-admin-4', [{ role: 'sad_admin', enteId: sad }]);
    const form = await browser.get('/sad/staff');
    expect(form.statusCode).toBe(200);
    const jesolo = await enteId(database, 'jesolo');
    const bad = await browser.post('/sad/staff', {
      ente: jesolo,
      email: 'non-una-mail',
      name: '',
      role: 'operator',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="email-error"');
    expect(bad.body).toContain('id="name-error"');
    const done = await browser.post('/sad/staff', {
      ente: jesolo,
      email: 'anagrafe@comune.example.it',
      name: 'Rita Operatrice',
      role: 'operator',
      areas: 'anagrafe, stato civile',
    });
    expect(done.statusCode).toBe(200);
    const link = /data-invitation[^>]*>([^<]+)</.exec(done.body)![1]!;
    const url = new URL(link.replaceAll('&amp;', '&'));
    const person = new Browser(built.app);
    await person.get(url.pathname + url.search);
    const token = url.searchParams.get('t')!;
    await person.post('/accedi/invito', { t: token, password: 'una password lunga 99' });
    const activated = await person.post('/accedi/invito/dopo', { t: token });
    expect(activated.statusCode).toBe(303);
    const grants = await sql<{
      role: string;
      areas: string[];
    }>`select role, areas from staff_grants where ente_id = ${jesolo}`.execute(database.db);
    expect(grants.rows).toEqual([{ role: 'operator', areas: ['anagrafe', 'stato civile'] }]);
  });

  it('refuses an ente outside the SAD and a SAD admin role on a comune', async () => {
    const browser = new Browser(built.app);
    browser.cookies = await sessionAs(database, 'sad-admin-5', [{ role: 'sad_admin', enteId: sad }]);
    await browser.get('/sad/staff');
    const { sad: trevisoSad } = await seedAggregation(database.db, 'treviso');
    const treviso = trevisoSad.id;
    const outside = await browser.post('/sad/staff', {
      ente: treviso,
      email: 'x@example.it',
      name: 'X',
      role: 'operator',
    });
    expect(outside.statusCode).toBe(404);
    const caorle = await enteId(database, 'caorle');
    const tooHigh = await browser.post('/sad/staff', {
      ente: caorle,
      email: 'y@example.it',
      name: 'Y',
      role: 'sad_admin',
    });
    expect(tooHigh.statusCode).toBe(400);
    const count = await sql<{
      n: number;
    }>`select count(*)::int as n from staff_accounts where email in ('x@example.it', 'y@example.it')`.execute(
      database.db,
    );
    expect(count.rows[0]!.n).toBe(0);
  });
});
