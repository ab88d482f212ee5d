// Every link in the footer leads somewhere, on an ente's pages and on the platform's own pages (no ente:
// certificate verification, login, sessions, SAD console, error pages), whose legal pages are the SAD's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof testApp>>['app'];
let sadAdmin: Record<string, string>;

beforeAll(async () => {
  database = await testDatabase();
  ({ app } = await testApp(database));
  sadAdmin = await sessionAs(database, 'sad-admin', [
    { role: 'sad_admin', enteId: await enteId(database, 'cm-venezia') },
  ]);
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const footerOf = (html: string) => {
  const footer = /<footer[^>]*>([\s\S]*?)<\/footer>/.exec(html)?.[1];
  expect(footer, 'the page has a footer').toBeDefined();
  return footer!;
};
const hrefsIn = (html: string) =>
  [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

/** The status of a link of this site, after at most a few redirects within it. */
async function statusOf(href: string, cookies: Record<string, string>): Promise<number> {
  let url = href;
  for (let hops = 0; hops < 3; hops++) {
    const res = await app.inject({ url, cookies });
    const location = res.headers.location;
    if (res.statusCode < 300 || res.statusCode >= 400 || typeof location !== 'string') return res.statusCode;
    url = location;
  }
  return 310;
}

const PAGES: [url: string, signedIn: boolean][] = [
  ['/verifica', false],
  ['/verifica/CERT-2026-000001?c=ABCD-EFGH-JKLM', false],
  ['/verifica?numero=x&codice=y', false],
  ['/accedi/operatori', false],
  ['/accedi', false],
  ['/sessioni', true],
  ['/sad', true],
  ['/sad/staff', true],
  ['/atlantide', false],
  ['/cm-venezia', false],
  ['/jesolo', false],
  ['/jesolo/faq', false],
];

describe('footer', () => {
  it.each(PAGES)('links only to pages that exist: %s', async (url, signedIn) => {
    const cookies = signedIn ? sadAdmin : {};
    const res = await app.inject({ url, cookies });
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const footer = footerOf(res.body);
    const local = hrefsIn(footer).filter((href) => href.startsWith('/'));
    expect(local.length).toBeGreaterThan(0);
    for (const href of local) expect(`${href} → ${await statusOf(href, cookies)}`).toBe(`${href} → 200`);
    // No section heading without anything under it (the "Contatti" of a page with no ente).
    expect(footer).not.toMatch(/<\/h3>\s*<\/div>/);
  });

  it('shows an ente’s contacts and pages, and none on the platform’s own pages', async () => {
    const jesolo = footerOf((await app.inject({ url: '/jesolo' })).body);
    expect(jesolo).toContain('Contatti');
    expect(hrefsIn(jesolo)).toEqual(
      expect.arrayContaining([
        '/jesolo/faq',
        '/jesolo/segnala-disservizio',
        '/jesolo/note-legali',
        '/jesolo/privacy',
      ]),
    );
    const verification = footerOf((await app.inject({ url: '/verifica' })).body);
    expect(verification).not.toContain('Contatti');
    expect(verification).not.toContain('data-element="faq"');
    // The platform's pages are the SAD's service: its legal notes, privacy notice, accessibility statement.
    expect(hrefsIn(verification)).toEqual(
      expect.arrayContaining(['/note-legali', '/privacy', '/accessibilita']),
    );
    const statement = await app.inject({ url: '/accessibilita?lang=en' });
    expect(statement.statusCode).toBe(302);
    expect(statement.headers.location).toBe('/cm-venezia/accessibilita?lang=en');
  });
});
