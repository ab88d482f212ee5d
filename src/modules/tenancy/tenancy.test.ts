import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { RESERVED_SLUGS } from './tenancy.rules.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof testApp>>['app'];
let jesolo: string;
let caorle: string;
let sad: string;

beforeAll(async () => {
  database = await testDatabase();
  ({ app } = await testApp(database));
  jesolo = await enteId(database, 'jesolo');
  caorle = await enteId(database, 'caorle');
  sad = await enteId(database, 'cm-venezia');
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const patch = (id: string, body: unknown, cookies?: Record<string, string>) =>
  app.inject({
    method: 'PATCH',
    url: `/api/v1/enti/${id}`,
    headers: { 'content-type': 'application/merge-patch+json' },
    payload: JSON.stringify(body),
    cookies,
  });

describe('slugs', () => {
  it('reserves every first path segment the platform itself answers, so no ente can be hidden', () => {
    // printRoutes draws the tree; its second level holds the first segments ("├── verifica (GET, HEAD)").
    const firsts = [...app.printRoutes({ commonPrefix: false }).matchAll(/^ {4}[├└]── ([^ /(]+)/gm)]
      .map((m) => m[1]!)
      .filter((segment) => /^[a-z0-9-]+$/.test(segment));
    expect(firsts).toEqual(expect.arrayContaining(['verifica', 'accedi', 'note-legali']));
    expect(firsts.filter((segment) => !RESERVED_SLUGS.has(segment))).toEqual([]);
  });
});

describe('GET /api/v1/enti', () => {
  it('lists the SAD and its 22 comuni with their codes', async () => {
    const res = await app.inject({ url: `/api/v1/enti?sad_id=${sad}&limit=100` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(23);
    const jesoloItem = body.items.find((e: { slug: string }) => e.slug === 'jesolo');
    expect(jesoloItem).toMatchObject({
      official_name: 'Comune di Jesolo',
      istat_code: '027019',
      belfiore_code: 'C388',
      ipa_code: 'c_c388',
      province_code: 'VE',
      tax_code: '00608720272',
      population_year: 2011,
    });
    expect(res.headers['x-ratelimit-limit']).toBeDefined();
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('filters by name and pages', async () => {
    const res = await app.inject({ url: '/api/v1/enti?q=san&kind=comune&limit=1' });
    const body = res.json();
    expect(body.items).toHaveLength(1);
    expect(body.total).toBeGreaterThanOrEqual(2); // San Stino di Livenza, Santa Maria di Sala
  });

  it('drops a NUL character from the query rather than failing in the database', async () => {
    const res = await app.inject({ url: '/api/v1/enti?q=Jes%00olo' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((e: { slug: string }) => e.slug)).toEqual(['jesolo']);
  });

  it('names each invalid query field', async () => {
    const res = await app.inject({ url: '/api/v1/enti?limit=0&kind=city' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['limit', 'kind']));
  });
});

describe('GET /api/v1/enti/{id}', () => {
  it('returns one ente with its boundary and host names', async () => {
    const res = await app.inject({ url: `/api/v1/enti/${jesolo}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.hosts).toEqual(['servizi.comune.jesolo.ve.it']);
    expect(['Polygon', 'MultiPolygon']).toContain(body.boundary.type);
    expect(body.sad_id).toBe(sad);
  });

  it('answers 404 problem+json for an unknown id and 400 for a malformed one', async () => {
    const missing = await app.inject({ url: '/api/v1/enti/00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ status: 404, code: 'ENTE_NOT_FOUND' });
    const malformed = await app.inject({ url: '/api/v1/enti/42' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('id');
  });
});

describe('PATCH /api/v1/enti/{id}', () => {
  it('requires authentication', async () => {
    const res = await patch(jesolo, { contacts: { email: 'a@b.it' } });
    expect(res.statusCode).toBe(401);
  });

  it('lets the ente admin change contacts and branding, and audits it', async () => {
    const cookies = await sessionAs(database, 'admin-jesolo', [{ role: 'ente_admin', enteId: jesolo }]);
    const res = await patch(
      jesolo,
      {
        contacts: { email: 'urp@comune.example.it', phone: '+39 0421 000000' },
        branding: { primary_color: '#00487a' },
      },
      cookies,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().contacts).toEqual({ email: 'urp@comune.example.it', phone: '+39 0421 000000' });
    // Merge patch: null removes one key, the others stay.
    const second = await patch(jesolo, { contacts: { phone: null } }, cookies);
    expect(second.json().contacts).toEqual({ email: 'urp@comune.example.it' });
    expect(second.json().branding).toEqual({ primary_color: '#00487a' });
    const events = await database.db
      .selectFrom('audit_events')
      .select(['action', 'actor', 'target_id'])
      .where('ente_id', '=', jesolo)
      .where('action', '=', 'ente.update')
      .execute();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ actor: 'admin-jesolo', target_id: jesolo });
    // The API and the portal show the change at once (the directory cache was invalidated).
    const read = (await app.inject({ url: `/api/v1/enti/${jesolo}` })).json();
    expect(read.contacts).toEqual({ email: 'urp@comune.example.it' });
    const home = await app.inject({ url: '/jesolo' });
    expect(home.body).toContain('urp@comune.example.it');
    const css = await app.inject({ url: '/jesolo/tema.css' });
    expect(css.body).toContain('#00487a');
  });

  it('answers 404 and changes nothing when an admin targets another ente', async () => {
    const cookies = await sessionAs(database, 'admin-jesolo-2', [{ role: 'ente_admin', enteId: jesolo }]);
    const before = (await app.inject({ url: `/api/v1/enti/${caorle}` })).json();
    const res = await patch(caorle, { contacts: { email: 'evil@example.it' } }, cookies);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('Caorle');
    const after = (await app.inject({ url: `/api/v1/enti/${caorle}` })).json();
    expect(after.contacts).toEqual(before.contacts);
    expect(after.updated_at).toBe(before.updated_at);
  });

  it('rejects invalid fields naming each one, and writes nothing', async () => {
    const cookies = await sessionAs(database, 'admin-caorle', [{ role: 'ente_admin', enteId: caorle }]);
    const res = await patch(
      caorle,
      { contacts: { email: 'not-an-email' }, tax_code: 'abc', colour: 1 },
      cookies,
    );
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['contacts.email', 'tax_code', 'colour']));
    const badDigit = await patch(caorle, { tax_code: '00321280274' }, cookies);
    expect(badDigit.statusCode).toBe(400);
    expect(badDigit.json().errors).toEqual([{ field: 'tax_code', message: 'has a wrong check digit' }]);
    const lowContrast = await patch(caorle, { branding: { primary_color: '#ffff00' } }, cookies);
    expect(lowContrast.json().errors[0].field).toBe('branding.primary_color');
    const after = (await app.inject({ url: `/api/v1/enti/${caorle}` })).json();
    expect(after.tax_code).toBe('00321280273');
    expect(after.branding).toEqual({});
  });

  it('accepts only the merge-patch media type, and rejects malformed JSON', async () => {
    const cookies = await sessionAs(database, 'admin-caorle-2', [{ role: 'ente_admin', enteId: caorle }]);
    const json = await app.inject({
      method: 'PATCH',
      url: `/api/v1/enti/${caorle}`,
      headers: { 'content-type': 'application/json' },
      payload: '{"contacts":{}}',
      cookies,
    });
    expect(json.statusCode).toBe(415);
    const malformed = await app.inject({
      method: 'PATCH',
      url: `/api/v1/enti/${caorle}`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: '{"contacts":',
      cookies,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('MALFORMED_JSON');
  });

  it('answers 413 to an oversized body', async () => {
    const res = await patch(caorle, { contacts: { address: 'x'.repeat(2 * 1024 * 1024) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('BODY_TOO_LARGE');
  });
});

describe('POST /api/v1/enti (onboarding)', () => {
  it('onboards a comune from the national reference data for a SAD admin', async () => {
    const cookies = await sessionAs(database, 'sad-admin', [{ role: 'sad_admin', enteId: sad }]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/enti',
      payload: { istat_code: '027033', sad_id: sad },
      cookies,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      slug: 'san-dona-di-piave',
      belfiore_code: 'H823',
      official_name: 'Comune di San Donà di Piave',
    });
    expect(res.headers.location).toContain(`/api/v1/enti/${body.id}`);
    // Its portal answers at once, by path and by its host name.
    expect((await app.inject({ url: '/san-dona-di-piave' })).statusCode).toBe(200);
    const byHost = await app.inject({ url: '/', headers: { host: 'servizi.comune.sandonadipiave.ve.it' } });
    expect(byHost.body).toContain('Comune di San Donà di Piave');
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/enti',
      payload: { istat_code: '027033', sad_id: sad },
      cookies,
    });
    expect(again.statusCode).toBe(409);
  });

  it('leaves nothing behind when a host name is already taken', async () => {
    const cookies = await sessionAs(database, 'sad-admin-2', [{ role: 'sad_admin', enteId: sad }]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/enti',
      payload: { istat_code: '027034', sad_id: sad, hosts: ['servizi.comune.jesolo.ve.it'] },
      cookies,
    });
    expect(res.statusCode).toBe(409);
    const list = (await app.inject({ url: '/api/v1/enti?q=Stra&limit=10' })).json();
    expect(list.items.filter((e: { istat_code: string }) => e.istat_code === '027034')).toHaveLength(0);
  });

  it('forbids others and rejects unknown ISTAT codes', async () => {
    const admin = await sessionAs(database, 'admin-jesolo-3', [{ role: 'ente_admin', enteId: jesolo }]);
    const forbidden = await app.inject({
      method: 'POST',
      url: '/api/v1/enti',
      payload: { istat_code: '027035', sad_id: sad },
      cookies: admin,
    });
    expect(forbidden.statusCode).toBe(403);
    const sadAdmin = await sessionAs(database, 'sad-admin-3', [{ role: 'sad_admin', enteId: sad }]);
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/v1/enti',
      payload: { istat_code: '999999', sad_id: sad },
      cookies: sadAdmin,
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('istat_code');
  });
});

describe('portal pages', () => {
  it('serves the aggregation home listing the comuni', async () => {
    const root = await app.inject({ url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/cm-venezia');
    const res = await app.inject({ url: '/cm-venezia' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-ente="jesolo"');
    expect(res.body).toContain('Con.Me');
    const filtered = await app.inject({ url: '/cm-venezia?q=jeso' });
    expect(filtered.body).toContain('data-ente="jesolo"');
    expect(filtered.body).not.toContain('data-ente="caorle"');
  });

  it('renders the ente home with the Modello Comuni data-element contract', async () => {
    const res = await app.inject({ url: '/jesolo' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    for (const element of [
      'main-navigation',
      'management',
      'news',
      'all-services',
      'live',
      'personal-area-login',
      'faq',
      'report-inefficiency',
      'accessibility-link',
      'privacy-policy-link',
      'legal-notes',
    ]) {
      expect(res.body, element).toContain(`data-element="${element}"`);
    }
    expect(res.body).toContain('<html lang="it">');
    expect(res.body).toContain('Comune di Jesolo');
  });

  it('switches to English and remembers it in a cookie', async () => {
    const res = await app.inject({ url: '/jesolo?lang=en' });
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Online services');
    const cookie = res.cookies.find((c) => c.name === 'lang');
    expect(cookie?.value).toBe('en');
    const next = await app.inject({ url: '/jesolo/faq', cookies: { lang: 'en' } });
    expect(next.body).toContain('Frequently asked questions');
  });

  it('routes by host name', async () => {
    const res = await app.inject({ url: '/faq', headers: { host: 'servizi.comune.jesolo.ve.it' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Comune di Jesolo');
    const home = await app.inject({ url: '/', headers: { host: 'servizi.comune.jesolo.ve.it:443' } });
    expect(home.body).toContain('<h1 class="mb-3">Comune di Jesolo</h1>');
    // The platform's own pages answer on a comune's host too (not as /jesolo/accedi).
    for (const url of ['/accedi', '/accedi/operatori', '/verifica']) {
      const page = await app.inject({ url, headers: { host: 'servizi.comune.jesolo.ve.it' } });
      expect(page.statusCode, url).toBe(200);
    }
  });

  it('answers an accessible 404 page for an unknown ente or page', async () => {
    for (const url of ['/atlantide', '/jesolo/nowhere', '/Jesolo']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('Pagina non trovata');
    }
    const api = await app.inject({ url: '/api/v1/nowhere' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('asks anonymous users to log in for the personal area, with a 401 page', async () => {
    const res = await app.inject({ url: '/jesolo/area-personale' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Accesso richiesto');
    const cookies = await sessionAs(database, 'citizen-1', [{ role: 'citizen' }]);
    const ok = await app.inject({ url: '/jesolo/area-personale', cookies });
    expect(ok.statusCode).toBe(200);
  });
});
