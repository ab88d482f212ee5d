// Journey: a citizen of Jesolo logs in with SPID at the test provider, opens the profile from the
// personal area, sets an e-mail address (after a wrong phone number is pointed out), opens the sandbox's
// test mailbox, follows the verification link and sees the address verified. Every page visited must
// have zero WCAG 2.1 AA violations.
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

const ADDRESS = 'giulia.zanetti@posta.example';

/** The mailbox page, reloaded until the message to ADDRESS has arrived (the job worker delivers it). */
async function openMailbox(page: Page) {
  for (let attempt = 0; attempt < 50; attempt++) {
    await page.goto(`/sandbox/posta?a=${encodeURIComponent(ADDRESS)}`);
    if ((await page.locator('tr[data-message]').count()) > 0) return;
    await page.waitForTimeout(200);
  }
  throw new Error('the verification e-mail did not arrive');
}

test('a citizen sets an e-mail address on the profile and verifies it through the e-mailed link', async () => {
  const page = await portal.newPage();
  await page.goto('/accedi/spid?next=%2Fjesolo%2Farea-personale');
  await page.waitForURL('**/sandbox/spid/interaction/**');
  await page.locator('button[data-person="demo-01"]').click();
  await page.waitForURL('**/jesolo/area-personale');

  await page.getByRole('link', { name: 'Il tuo profilo' }).click();
  await page.waitForURL('**/profilo?next=**');
  await expect(page.locator('h1').textContent()).resolves.toBe('Il tuo profilo');
  await expect(page.locator('[data-profile="identity"]').textContent()).resolves.toContain(
    'ZNTGLI84C52L736W',
  );
  await expectAccessible(page);

  await page.getByLabel('Indirizzo e-mail').fill(ADDRESS);
  await page.getByLabel('Telefono (per esempio +39 333 1234567)').fill('12ab');
  await page.getByRole('button', { name: 'Salva' }).click();
  await expect(page.locator('#phone-error').textContent()).resolves.toBe(
    'Inserisci un numero di telefono valido.',
  );
  // Nothing typed is lost.
  await expect(page.getByLabel('Indirizzo e-mail').inputValue()).resolves.toBe(ADDRESS);
  await expectAccessible(page);

  await page.getByLabel('Telefono (per esempio +39 333 1234567)').fill('333 123 4567');
  await page.getByRole('button', { name: 'Salva' }).click();
  await page.waitForURL('**/profilo?**esito=salvato**');
  await expect(page.locator('[role="status"]').first().textContent()).resolves.toContain(
    `Ti abbiamo inviato un link per verificare l’indirizzo ${ADDRESS}.`,
  );
  await expect(page.locator('[data-email-status]').getAttribute('data-email-status')).resolves.toBe(
    'unverified',
  );
  await expectAccessible(page);

  await openMailbox(page);
  await expect(page.locator('.demo-banner').textContent()).resolves.toContain('Ambiente di test');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Verifica il tuo indirizzo e-mail' }).click();
  await page.waitForURL('**/sandbox/posta/**');
  await expectAccessible(page);
  await page.locator('[data-mail-text] a').click();
  await page.waitForURL('**/profilo/verifica-email?t=**');
  await expect(page.locator('[data-verification]').textContent()).resolves.toBe(
    `L’indirizzo ${ADDRESS} è verificato.`,
  );
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Vai al tuo profilo' }).click();
  await page.waitForURL('**/profilo');
  await expect(page.locator('[data-email-status]').getAttribute('data-email-status')).resolves.toBe(
    'verified',
  );
  await expectAccessible(page);
});
