// Journey: anyone (no login) opens the certificate verification page, asks for a certificate that does
// not exist, and is told it is not valid; the form's errors sit next to the fields. Every page visited
// must have zero WCAG 2.1 AA violations.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible, type Harness, startHarness } from './support.ts';

let portal: Harness;

beforeAll(async () => {
  portal = await startHarness();
});

afterAll(async () => {
  await portal?.close();
});

test('the public verification page explains a missing field and an unknown certificate', async () => {
  const page = await portal.newPage();
  await page.goto('/verifica');
  await expectAccessible(page);
  await page.locator('#numero').fill('CERT-2026-000999');
  await page.locator('form[method="get"] button[type="submit"]').click();
  await page.waitForURL('**/verifica?**');
  await expect(page.locator('#codice-error').textContent()).resolves.toBeTruthy();
  await expectAccessible(page);
  await page.locator('#codice').fill('abcdef123456');
  await page.locator('form[method="get"] button[type="submit"]').click();
  await page.waitForURL('**/verifica/CERT-2026-000999?**');
  await expect(page.locator('main').textContent()).resolves.toContain('non valido');
  await expectAccessible(page);
});
