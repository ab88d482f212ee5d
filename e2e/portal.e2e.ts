// Journey: a citizen opens the Venice aggregation, chooses Jesolo, reads its portal in Italian and in
// English and follows the footer links. Every page visited must have zero WCAG 2.1 AA violations.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible, type Harness, startHarness } from './support.ts';

let portal: Harness;

beforeAll(async () => {
  portal = await startHarness();
});

afterAll(async () => {
  await portal?.close();
});

const FOOTER_PAGES = [
  ['faq', '/jesolo/faq', 'Domande frequenti'],
  ['report-inefficiency', '/jesolo/segnala-disservizio', 'Segnalazione disservizio'],
  ['legal-notes', '/jesolo/note-legali', 'Note legali'],
  ['privacy-policy-link', '/jesolo/privacy', 'Informativa sul trattamento dei dati personali'],
  ['accessibility-link', '/jesolo/accessibilita', 'Dichiarazione di accessibilità'],
] as const;

const heading = (page: Page) => page.locator('h1').textContent();

async function chooseJesolo(page: Page) {
  await page.goto('/');
  expect(new URL(page.url()).pathname).toBe('/cm-venezia');
  expect(await page.locator('a[data-ente]').count()).toBe(22);
  await page.locator('a[data-ente="jesolo"]').click();
  await page.waitForURL('**/jesolo');
  expect(await heading(page)).toBe('Comune di Jesolo');
}

test('a citizen chooses Jesolo in the aggregation and reads its portal in English and Italian', async () => {
  const page = await portal.newPage();
  await page.goto('/');
  await expectAccessible(page);

  await chooseJesolo(page);
  expect(await page.locator('header [data-element="main-navigation"]').count()).toBe(1);
  for (const [element] of FOOTER_PAGES) {
    expect(await page.locator(`footer [data-element="${element}"]`).count(), element).toBe(1);
  }
  await expectAccessible(page);

  await page.locator('.lang-switch a', { hasText: 'ENG' }).click();
  await page.waitForURL('**/jesolo?lang=en');
  expect(await page.locator('html').getAttribute('lang')).toBe('en');
  expect(await page.locator('#services-title').textContent()).toBe('Online services');
  await expectAccessible(page);

  await page.locator('.lang-switch a', { hasText: 'ITA' }).click();
  await page.waitForURL('**/jesolo?lang=it');
  expect(await page.locator('html').getAttribute('lang')).toBe('it');
  expect(await page.locator('#services-title').textContent()).toBe('Servizi online');
  await expectAccessible(page);
});

test('the footer pages, the services page and the not-found page are accessible', async () => {
  const page = await portal.newPage();
  await page.goto('/jesolo');
  for (const [element, path, title] of FOOTER_PAGES) {
    await page.locator(`footer [data-element="${element}"]`).click();
    await page.waitForURL(`**${path}`);
    expect(await heading(page)).toBe(title);
    await expectAccessible(page);
  }

  await page.locator('header [data-element="all-services"]').click();
  await page.waitForURL('**/jesolo/servizi');
  expect(await heading(page)).toBe('Servizi');
  await expectAccessible(page);

  for (const path of ['/jesolo/pagina-inesistente', '/comune-inesistente']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    expect(await heading(page)).toBe('Pagina non trovata');
    await expectAccessible(page);
  }
});

test('at 320 px wide the pages reflow without horizontal scrolling', async () => {
  const page = await portal.newPage({ viewport: { width: 320, height: 640 } });
  for (const path of ['/cm-venezia', '/jesolo']) {
    await page.goto(path);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(320);
    await expectAccessible(page);
  }
});

test('without JavaScript a citizen can still go from the aggregation to Jesolo', async () => {
  const page = await portal.newPage({ javaScriptEnabled: false });
  await chooseJesolo(page);
});

test('the Jesolo home page runs without Content Security Policy violations', async () => {
  const page = await portal.newPage({ bypassCSP: false });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto('/jesolo', { waitUntil: 'networkidle' });
  expect(errors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
});
