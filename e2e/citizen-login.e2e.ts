// Journey: a citizen of Jesolo opens the personal area, logs in with SPID at the test provider (over
// SAML, then over OpenID Connect), choosing one of the synthetic citizens, lands back on the same page,
// and logs out; then the same with CIE. Every page visited must have zero WCAG 2.1 AA violations.
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

const heading = (page: Page) => page.locator('h1').textContent();

type Route = 'SPID (SAML)' | 'SPID (OpenID Connect)' | 'CIE';

async function loginAndOut(page: Page, route: Route, person: string, name: string) {
  await page.goto('/jesolo');
  await page.locator('a[data-element="personal-area-login"]').click();
  await page.waitForURL('**/jesolo/area-personale');
  expect(await heading(page)).toBe('Accesso richiesto');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Accedi', exact: true }).click();
  await page.waitForURL('**/accedi?next=**');
  await expectAccessible(page);
  if (route === 'CIE') {
    await page.getByRole('link', { name: 'Entra con CIE' }).click();
    await page.waitForURL('**/sandbox/cie/interaction/**');
  } else {
    // The SPID button opens the list of identity providers.
    await page.locator('summary[data-provider="spid"]').click();
    await expectAccessible(page);
    const saml = route === 'SPID (SAML)';
    await page
      .getByRole('link', { name: saml ? 'SPID – ambiente di test' : 'SPID con OpenID Connect' })
      .click();
    await page.waitForURL(saml ? '**/sandbox/saml/sso?**' : '**/sandbox/spid/interaction/**');
  }
  await expect(page.locator('.demo-banner').textContent()).resolves.toContain('Ambiente di test');
  await expectAccessible(page);
  await page.locator(`button[data-person="${person}"]`).click();
  await page.waitForURL('**/jesolo/area-personale');
  expect(await heading(page)).toBe('Area personale');
  await expect(page.locator('main').textContent()).resolves.toContain(name);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Esci' }).click();
  await page.waitForURL('**/esci');
  await page.getByRole('button', { name: 'Esci da questo dispositivo' }).click();
  await page.waitForURL('**/esci');
  await page.goto('/jesolo/area-personale');
  expect(await heading(page)).toBe('Accesso richiesto');
}

test('a citizen logs in with SPID (SAML) from the personal area and lands back on it, then logs out', async () => {
  await loginAndOut(await portal.newPage(), 'SPID (SAML)', 'demo-01', 'Giulia Zanetti');
});

test('the same with SPID over OpenID Connect', async () => {
  await loginAndOut(await portal.newPage(), 'SPID (OpenID Connect)', 'demo-02', 'Marco Zanetti');
});

test('the same with CIE', async () => {
  await loginAndOut(await portal.newPage(), 'CIE', 'demo-04', 'Luca Pavan');
});
