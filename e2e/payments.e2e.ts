// Journeys of payments. A citizen of Jesolo with a fee to pay (the demo gives the demo citizens one) opens
// the personal area, logs in with SPID at the test provider, finds the fee, pays it in the sandbox's
// pagoPA checkout, comes back and, once the receipt is recorded, sees "Pagato" and downloads the receipt.
// Then an ente admin (invited from the command line on a fresh installation) sets up pagoPA and imports
// a small CSV of fees as an operator would, following its progress to the end and its row errors.
// Every page visited must have zero WCAG 2.1 AA violations.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { activateStaff, expectAccessible, type Harness, startHarness } from './support.ts';

const WAIT_MS = 30_000;
let portal: Harness;

beforeAll(async () => {
  portal = await startHarness();
});

afterAll(async () => {
  await portal?.close();
});

const heading = (page: Page) => page.locator('h1').textContent();

/** Reloads (through the page's own link, or the address) until `ready` holds, for at most WAIT_MS. */
async function reloadUntil(page: Page, ready: () => Promise<boolean>, link?: string) {
  const deadline = Date.now() + WAIT_MS;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`still waiting on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 500));
    if (link && (await page.locator(link).count()) > 0) await page.locator(link).click();
    else await page.reload();
    await page.waitForLoadState();
  }
}

async function downloaded(page: Page, name: string | RegExp) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name }).click(),
  ]);
  const file = await download.path();
  return { name: download.suggestedFilename(), head: (await fs.readFile(file)).subarray(0, 5).toString() };
}

test('a citizen pays a fee from the personal area in the pagoPA checkout and gets the receipt', async () => {
  const page = await portal.newPage();
  await page.goto('/jesolo/area-personale');
  expect(await heading(page)).toBe('Accesso richiesto');
  await page.getByRole('link', { name: 'Accedi', exact: true }).click();
  await page.waitForURL('**/accedi?next=**');
  await page.locator('summary[data-provider="spid"]').click();
  await page.getByRole('link', { name: 'SPID con OpenID Connect' }).click();
  await page.waitForURL('**/sandbox/spid/interaction/**');
  await page.locator('button[data-person="demo-01"]').click();
  await page.waitForURL('**/jesolo/area-personale');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Pagamenti', exact: true }).click();
  await page.waitForURL('**/jesolo/area-personale/pagamenti');
  expect(await heading(page)).toBe('Pagamenti');
  const fee = page
    .locator('tr', { hasText: 'Carta d’identità elettronica' })
    .or(page.locator('tr', { hasText: "Carta d'identità elettronica" }));
  await expect(fee.textContent()).resolves.toContain('€ 22,21');
  await expect(fee.textContent()).resolves.toContain('Da pagare');
  await expectAccessible(page);

  await fee.getByRole('link').click();
  await page.waitForURL('**/jesolo/area-personale/pagamenti/*');
  const notice = await downloaded(page, 'Scarica l’avviso di pagamento (PDF)');
  expect(notice.name).toMatch(/^avviso-\d{18}\.pdf$/);
  expect(notice.head).toBe('%PDF-');
  // The position is published on pagoPA by a job a moment after the demo was loaded.
  const pay = page.getByRole('button', { name: 'Paga con pagoPA' });
  await reloadUntil(page, async () => (await pay.count()) > 0);
  await expectAccessible(page);

  await pay.click();
  await page.waitForURL('**/sandbox/pagopa/**');
  expect(await heading(page)).toBe('Paga con pagoPA');
  await expectAccessible(page);
  await page.getByRole('button', { name: /^Paga / }).click();
  await page.waitForURL('**/jesolo/area-personale/pagamenti/*/esito?**');
  await expectAccessible(page);
  // The receipt reaches the platform through pagoPA's notification: until then, "in corso di conferma".
  await reloadUntil(page, async () => (await heading(page)) === 'Pagamento eseguito', 'a[data-reload]');
  await expect(page.locator('main').textContent()).resolves.toContain('Pagato');
  await expectAccessible(page);
  const receipt = await downloaded(page, 'Scarica la ricevuta (PDF)');
  expect(receipt.name).toMatch(/^ricevuta-\d{18}\.pdf$/);
  expect(receipt.head).toBe('%PDF-');

  await page.goto('/jesolo/area-personale/pagamenti');
  await expect(fee.textContent()).resolves.toContain('Pagato');
  await expectAccessible(page);
});

test('an ente admin sets up pagoPA and imports fees from a CSV file, following its progress', {
  timeout: 180_000,
}, async () => {
  const ADMIN = 'sara.tributi@comune.jesolo.example.it';
  const office = await startHarness([
    ['seed', '--aggregation', 'venezia'],
    [
      'staff',
      'invite',
      '--email',
      ADMIN,
      '--name',
      'Sara Tributi',
      '--ente',
      'jesolo',
      '--role',
      'ente_admin',
    ],
  ]);
  try {
    const page = await office.newPage();
    await activateStaff(page, office.prepared[1]!);

    // Without pagoPA settings nothing can be imported: the admin enters them first.
    await page.goto('/jesolo/admin/pagamenti');
    await page.getByLabel('Codice di segregazione (2 cifre)').fill('01');
    await page.getByLabel('IBAN di accredito').fill('IT60X0542811101000000123456');
    await page.getByLabel('Chiave di sottoscrizione GPD').fill('chiave-di-prova-della-gpd');
    await page.getByRole('button', { name: 'Salva' }).click();
    await expect(page.locator('.alert-success').textContent()).resolves.toContain(
      'Impostazioni pagoPA salvate.',
    );

    await page.goto('/jesolo/backoffice/pagamenti/importazioni');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Importa', exact: true }).click();
    await expect(page.locator('#file-error').textContent()).resolves.toContain('Scegli un file CSV');
    await expectAccessible(page);

    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const csv = [
      'iupd;codice_fiscale;nominativo;descrizione;importo;scadenza;trasferimento_1_importo;trasferimento_1_tassonomia',
      `E2E-1;ZNTGLI84C52L736W;Giulia Zanetti;Mensa scolastica: aprile;45,60;${due};45,60;0102102SP`,
      `E2E-2;ZNTMRC81S02C388P;Marco Zanetti;Mensa scolastica: aprile;39,90;${due};39,90;0102102SP`,
      `E2E-3;NONVALIDO;Nessuno;Mensa scolastica: aprile;10;${due};10;0102102SP`,
    ].join('\n');
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'cz-import-')), 'mensa.csv');
    await fs.writeFile(file, csv);
    await page.getByLabel('File CSV da importare').setInputFiles(file);
    await page.getByRole('button', { name: 'Importa', exact: true }).click();
    await page.waitForURL(/\/jesolo\/backoffice\/pagamenti\/importazioni\/[0-9a-f-]{36}$/);
    await reloadUntil(
      page,
      async () => (await page.locator('[data-percent="100"]').count()) > 0,
      'a[data-reload]',
    );
    await expect(page.locator('[data-count="created"]').textContent()).resolves.toBe('2');
    await expect(page.locator('tr[data-row="4"]').textContent()).resolves.toContain('codice_fiscale');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Posizioni' }).click();
    await expect(page.locator('[data-total]').getAttribute('data-total')).resolves.toBe('2');
    await expectAccessible(page);
    await page.getByLabel('Codice fiscale dell’intestatario').fill('ZNTMRC81S02C388P');
    await page.getByRole('button', { name: 'Filtra' }).click();
    await expect(page.locator('[data-total]').getAttribute('data-total')).resolves.toBe('1');
    await page.locator('table[data-positions] a').click();
    await expect(heading(page)).resolves.toBe('Mensa scolastica: aprile');
    await expect(page.locator('main').textContent()).resolves.toContain('E2E-2');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Ricevute da verificare' }).click();
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Riconciliazione giornaliera' }).click();
    await expect(page.locator('[data-report-day]').count()).resolves.toBe(1);
    await expectAccessible(page);
  } finally {
    await office.close();
  }
});
