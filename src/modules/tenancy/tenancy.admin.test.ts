// The ente admin's form, used as a browser would: GET the form (CSRF token + cookie), POST it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  enteId,
  sessionAs,
  type TestDatabase,
  testApp,
  testDatabase,
} from '../../../test/support.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof testApp>>['app'];
let cona: string;

beforeAll(async () => {
  database = await testDatabase();
  ({ app } = await testApp(database));
  cona = await enteId(database, 'cona');
});
afterAll(async () => {
  await app.close();
  await database.close();
});

/** The admin form opened in a browser signed in with `session` (cookies and CSRF token kept). */
async function openForm(session: Record<string, string>) {
  const browser = new Browser(app);
  browser.cookies = { ...session };
  await browser.get('/cona/admin/ente');
  return browser;
}

describe('ente admin form', () => {
  it('is only for the ente admin', async () => {
    expect((await app.inject({ url: '/cona/admin/ente' })).statusCode).toBe(401);
    const other = await sessionAs(database, 'admin-dolo', [
      { role: 'ente_admin', enteId: await enteId(database, 'dolo') },
    ]);
    expect((await app.inject({ url: '/cona/admin/ente', cookies: other })).statusCode).toBe(403);
  });

  it('shows each error next to its field, keeps the input, and saves nothing', async () => {
    const session = await sessionAs(database, 'admin-cona', [{ role: 'ente_admin', enteId: cona }]);
    const browser = await openForm(session);
    const res = await browser.post('/cona/admin/ente', {
      email: 'wrong',
      phone: '12',
      fiscalCode: '00000000001',
      primaryColor: '#ffff00',
      address: 'Piazza della Repubblica 1',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="email-error"');
    expect(res.body).toContain('aria-describedby="email-error"');
    expect(res.body).toContain('Inserisci un indirizzo e-mail valido.');
    expect(res.body).toContain('id="fiscalCode-error"');
    expect(res.body).toContain('contrasto sufficiente');
    expect(res.body).toContain('value="Piazza della Repubblica 1"');
    expect(res.body).toContain('role="alert"');
    const ente = (await app.inject({ url: `/api/v1/enti/${cona}` })).json();
    expect(ente.contacts).toEqual({});
  });

  it('saves valid data, redirects, and the portal footer shows it', async () => {
    const session = await sessionAs(database, 'admin-cona-2', [{ role: 'ente_admin', enteId: cona }]);
    const browser = await openForm(session);
    const res = await browser.post('/cona/admin/ente', {
      email: 'info@comune.example.it',
      address: 'Piazza Italia 1, Cona',
      primaryColor: '#1a4d2e',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/cona/admin/ente?saved=1');
    const home = await app.inject({ url: '/cona' });
    expect(home.body).toContain('info@comune.example.it');
    expect(home.body).toContain('/cona/tema.css');
    const saved = await app.inject({ url: '/cona/admin/ente?saved=1', cookies: session });
    expect(saved.body).toContain('Modifiche salvate.');
  });

  it('rejects a post with a token from another form session', async () => {
    const session = await sessionAs(database, 'admin-cona-3', [{ role: 'ente_admin', enteId: cona }]);
    const browser = await openForm(session);
    const res = await browser.post('/cona/admin/ente', { _csrf: 'not-the-token', email: 'x@example.it' });
    expect(res.statusCode).toBe(403);
  });
});
