// A failed submission tells a screen reader user at once: "Errore:" in the page's title, and the error
// summary takes the focus on load; each of its links leads to a control of the form that can take it.
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

beforeAll(async () => {
  database = await testDatabase();
  ({ app } = await testApp(database));
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

/** Checks the error summary of a page and returns the ids its links point at. */
function expectSummary(html: string): string[] {
  const found = /<div([^>]*\bid="error-summary"[^>]*)>([\s\S]*?)<\/ul>/.exec(html);
  expect(found, 'the page has an error summary').not.toBeNull();
  const [, attributes, body] = found!;
  expect(attributes).toContain('tabindex="-1"');
  expect(attributes).toMatch(/\bautofocus\b/);
  expect(body).toContain('role="alert"');
  const targets = [...body!.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
  expect(targets.length).toBeGreaterThan(0);
  for (const id of targets) {
    const control = new RegExp(`<(input|select|textarea)\\b[^>]*\\sid="${id}"[^>]*>`).exec(html)?.[0];
    expect(control, `a control with id "${id}"`).toBeDefined();
    expect(control).not.toMatch(/type="hidden"|\sdisabled/);
  }
  return targets;
}

describe('a page answering a failed submission', () => {
  it('starts its title with "Errore:" and focuses the summary, whose links reach the fields', async () => {
    const plain = await app.inject({ url: '/verifica' });
    expect(titleOf(plain.body)).toMatch(/ – Convergenza$/);
    expect(plain.body).not.toContain('id="error-summary"');
    const res = await app.inject({ url: '/verifica?numero=x&codice=y' });
    expect(res.statusCode).toBe(400);
    expect(titleOf(res.body)).toBe(`Errore: ${titleOf(plain.body)}`);
    expect(expectSummary(res.body)).toEqual(['numero', 'codice']);
    expect(res.body.match(/\bautofocus\b/g)).toHaveLength(1);
  });

  it('says "Error:" in English', async () => {
    const res = await app.inject({ url: '/verifica?numero=x&codice=y', cookies: { lang: 'en' } });
    expect(titleOf(res.body)).toMatch(/^Error: /);
  });

  it('does the same for a failed staff login', async () => {
    const browser = new Browser(app);
    await browser.get('/accedi/operatori');
    const res = await browser.post('/accedi/operatori', { email: 'nobody@example.it', password: 'wrong' });
    expect(res.statusCode).toBe(401);
    expect(titleOf(res.body)).toMatch(/^Errore: /);
    expect(expectSummary(res.body)).toEqual(['email']);
  });

  it('does the same for an ente’s form and the SAD console’s', async () => {
    const cona = await enteId(database, 'cona');
    const browser = new Browser(app);
    browser.cookies = await sessionAs(database, 'admin-cona', [{ role: 'ente_admin', enteId: cona }]);
    await browser.get('/cona/admin/ente');
    const ente = await browser.post('/cona/admin/ente', { email: 'wrong', phone: '12' });
    expect(ente.statusCode).toBe(400);
    expect(titleOf(ente.body)).toMatch(/^Errore: .* – Comune di Cona$/);
    expect(expectSummary(ente.body)).toEqual(expect.arrayContaining(['email', 'phone']));

    const sad = await enteId(database, 'cm-venezia');
    browser.cookies = await sessionAs(database, 'sad-admin', [{ role: 'sad_admin', enteId: sad }]);
    await browser.get('/sad/staff');
    const staff = await browser.post('/sad/staff', {
      ente: cona,
      email: 'wrong',
      name: '',
      role: 'operator',
    });
    expect(staff.statusCode).toBe(400);
    expect(titleOf(staff.body)).toMatch(/^Errore: /);
    expect(expectSummary(staff.body)).toEqual(expect.arrayContaining(['email', 'name']));
  });
});
