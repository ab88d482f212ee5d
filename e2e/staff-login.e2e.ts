// Journey: a SAD administrator invited from the command line activates the account (password and
// authenticator app), reaches the console, logs out, and logs in again with password and TOTP code.
// Every page visited must have zero WCAG 2.1 AA violations.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { expectAccessible, freshCode, type Harness, startHarness } from './support.ts';

const EMAIL = 'amministratrice@cittametropolitana.example.it';
const PASSWORD = 'una password per la prova 7';
let portal: Harness & { prepared: string[] };

beforeAll(async () => {
  portal = await startHarness([
    ['seed', '--aggregation', 'venezia'],
    [
      'staff',
      'invite',
      '--email',
      EMAIL,
      '--name',
      'Maria Bianchi',
      '--ente',
      'cm-venezia',
      '--role',
      'sad_admin',
    ],
  ]);
});

afterAll(async () => {
  await portal?.close();
});

async function loginWithCode(page: Page, secret: string) {
  await page.goto('/accedi/operatori?next=%2Fsad%2Fjobs');
  await expectAccessible(page);
  await page.getByLabel('Indirizzo e-mail').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL('**/accedi/operatori/codice**');
  await expectAccessible(page);
  await page.getByLabel('Codice').fill(await freshCode(secret));
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL('**/sad/jobs');
}

test('an invited SAD admin activates the account with TOTP, logs out and logs in again', async () => {
  const link = /activation link \(valid 7 days\): (\S+)/.exec(portal.prepared[1]!)?.[1];
  expect(link).toBeDefined();
  const page = await portal.newPage();

  await page.goto(new URL(link!).pathname + new URL(link!).search);
  await expect(page.locator('h1').textContent()).resolves.toBe('Attiva il tuo account');
  await expectAccessible(page);
  await page.getByLabel(/Nuova password/).fill('corta');
  await page.getByRole('button', { name: 'Continua' }).click();
  await expect(page.locator('#password-error').textContent()).resolves.toContain('almeno 12 caratteri');
  await expectAccessible(page);
  await page.getByLabel(/Nuova password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Continua' }).click();

  await expect(page.locator('h1').textContent()).resolves.toBe('Configura l’app di autenticazione');
  await expect(page.getByAltText('Codice QR per l’app di autenticazione').isVisible()).resolves.toBe(true);
  await expectAccessible(page);
  const secret = (await page.locator('code').textContent())!.trim();
  await page.getByLabel('Codice').fill(await freshCode(secret, -1));
  await page.getByRole('button', { name: 'Conferma' }).click();
  await page.waitForURL('**/sad');
  await expect(page.locator('h1').textContent()).resolves.toBe('Console del Soggetto Aggregatore');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Esci' }).click();
  await page.waitForURL('**/esci');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Esci da questo dispositivo' }).click();
  await page.waitForURL('**/esci');
  await page.goto('/sad');
  await expect(page.locator('h1').textContent()).resolves.toBe('Accesso richiesto');

  await loginWithCode(page, secret);
  await expect(page.locator('h1').textContent()).resolves.toBe('Attività in background');
  await expectAccessible(page);
  await page.goto('/sessioni');
  await expectAccessible(page);
  await expect(page.locator('tr[data-session="current"]').count()).resolves.toBe(1);

  // The administrator invites the operator of a member comune: the page shows the activation link.
  await page.goto('/sad/staff');
  await expectAccessible(page);
  await page.getByLabel('Ente').selectOption({ label: 'Comune di Jesolo' });
  await page.getByLabel('Nome e cognome').fill('Rita Operatrice');
  await page.getByLabel('E-mail').fill('rita@comune.example.it');
  await page.getByRole('button', { name: 'Invita' }).click();
  await expect(page.locator('[data-invitation]').textContent()).resolves.toContain('/accedi/invito?t=');
  await expectAccessible(page);
});
