// Journeys of registry certificates. Giulia (a demo citizen of Jesolo) logs in with SPID, asks for her
// residence certificate claiming a stamp-duty exemption, downloads the sealed PDF at once and checks it on
// the public verification page by uploading it. Marco (her husband) asks for a family certificate without
// exemption, pays the €16 in the pagoPA sandbox, comes back to the certificate and downloads it once the
// receipt has arrived. A registry clerk issues a certificate at the counter for a citizen without SPID,
// paid with a marca da bollo (the comune has no pagoPA settings: the counter offers no notice), and the
// SAD's console counts it. Every page visited must have zero WCAG 2.1 AA violations.
import fs from 'node:fs/promises';
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

async function reloadUntil(page: Page, ready: () => Promise<boolean>) {
  const deadline = Date.now() + WAIT_MS;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`still waiting on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
    await page.waitForLoadState();
  }
}

/** Logs the demo person in with SPID at the test provider, starting from the personal area. */
async function login(page: Page, person: string) {
  await page.goto('/jesolo/area-personale');
  await page.getByRole('link', { name: 'Accedi', exact: true }).click();
  await page.locator('summary[data-provider="spid"]').click();
  await page.getByRole('link', { name: 'SPID con OpenID Connect' }).click();
  await page.waitForURL('**/sandbox/spid/interaction/**');
  await page.locator(`button[data-person="${person}"]`).click();
  await page.waitForURL('**/jesolo/area-personale');
  await page.getByRole('link', { name: 'Certificati anagrafici' }).click();
  await page.waitForURL('**/jesolo/area-personale/certificati');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Richiedi un certificato' }).click();
  // The family has several members: first, whom for (oneself comes first).
  await page.waitForURL('**/certificati/nuovo');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.waitForURL('**/certificati/nuovo?persona=*');
  await expectAccessible(page);
}

async function download(page: Page) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Scarica il certificato (PDF)' }).click(),
  ]);
  return { name: file.suggestedFilename(), bytes: await fs.readFile(await file.path()) };
}

test('a citizen gets an exempt residence certificate at once and verifies it by uploading it', async () => {
  const page = await portal.newPage();
  await login(page, 'demo-01');
  // Bootstrap Italia draws radio buttons on their labels: the label is what a user clicks.
  await page.locator('label[for="tipo-residenza"]').click();
  await page.getByLabel('Imposta di bollo').selectOption('PENSIONE');
  await page.getByRole('button', { name: 'Richiedi il certificato' }).click();
  await page.waitForURL(/\/certificati\/[0-9a-f-]{36}$/);
  expect(await heading(page)).toBe('Certificato di residenza');
  await expect(page.locator('[data-status]').textContent()).resolves.toBe('Rilasciato');
  await expectAccessible(page);
  const pdf = await download(page);
  expect(pdf.name).toMatch(/^CERT-\d{4}-\d{6}\.pdf$/);
  expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');

  await page.getByRole('link', { name: 'Verifica il certificato' }).click();
  await page.waitForURL('**/verifica/CERT-**');
  await expect(page.locator('main').textContent()).resolves.toContain('Certificato valido');
  await expectAccessible(page);
  await page.goto('/verifica');
  await page.locator('input[type="file"]').setInputFiles({
    name: pdf.name,
    mimeType: 'application/pdf',
    buffer: pdf.bytes,
  });
  await page.locator('form[enctype="multipart/form-data"] button[type="submit"]').click();
  await expect(page.locator('main').textContent()).resolves.toContain('Certificato valido');
  await expectAccessible(page);
});

test('a citizen pays the stamp duty of a family certificate in the pagoPA sandbox and downloads it', async () => {
  const page = await portal.newPage();
  await login(page, 'demo-02');
  await page.locator('label[for="tipo-stato_famiglia"]').click();
  await page.getByRole('button', { name: 'Richiedi il certificato' }).click();
  await page.waitForURL(/\/certificati\/[0-9a-f-]{36}$/);
  const certificate = new URL(page.url()).pathname;
  await expect(page.locator('[data-status]').textContent()).resolves.toBe('In attesa del pagamento');
  await expectAccessible(page);
  // The €16 position is published on pagoPA by a job a moment after the request.
  const pay = page.getByRole('button', { name: 'Paga con pagoPA' });
  await reloadUntil(page, async () => (await pay.count()) > 0);
  await expectAccessible(page);

  await pay.click();
  await page.waitForURL('**/sandbox/pagopa/**');
  await expectAccessible(page);
  await page.getByRole('button', { name: /^Paga / }).click();
  // Back to the certificate; it is issued once pagoPA's receipt has been reconciled.
  await page.waitForURL(`**${certificate}?esito=ok`);
  await expectAccessible(page);
  await reloadUntil(page, async () => (await page.locator('[data-status="issued"]').count()) > 0);
  await expectAccessible(page);
  const pdf = await download(page);
  expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');

  await page.goto('/jesolo/area-personale/certificati');
  await expect(page.locator('tbody').textContent()).resolves.toContain('Rilasciato');
  await expectAccessible(page);
});

test('a registry clerk issues a certificate at the counter with a marca da bollo; the SAD sees it counted', {
  timeout: 180_000,
}, async () => {
  const invite = (email: string, ente: string, role: string) => [
    'staff',
    'invite',
    '--email',
    email,
    '--name',
    'Prova Sportello',
    '--ente',
    ente,
    '--role',
    role,
  ];
  const office = await startHarness([
    ['seed', '--aggregation', 'venezia'],
    ['seed', 'population', '--ente', 'jesolo', '--size', '20'],
    invite('anna.anagrafe@comune.jesolo.example.it', 'jesolo', 'ente_admin'),
    invite('sad@cittametropolitana.ve.example.it', 'cm-venezia', 'sad_admin'),
  ]);
  try {
    const page = await office.newPage();
    await activateStaff(page, office.prepared[2]!);
    await page.goto('/jesolo/backoffice/anagrafe');
    await expectAccessible(page);
    await page.getByLabel('Codice fiscale della persona').fill('ZNTGLI84C52L736W');
    await page.getByRole('button', { name: 'Cerca nel registro' }).click();
    await expect(page.locator('[data-person]').textContent()).resolves.toBe('Zanetti Giulia');
    await expectAccessible(page);
    await page.locator('label[for="tipo-residenza"]').click();
    await page.locator('label[for="bollo-contrassegno"]').click();
    await page.getByLabel('Numero identificativo del contrassegno (14 cifre)').fill('123');
    await page.getByRole('button', { name: 'Rilascia il certificato' }).click();
    await expect(page.locator('#contrassegno-error').textContent()).resolves.toContain('14 cifre');
    await expectAccessible(page);
    await page.getByLabel('Numero identificativo del contrassegno (14 cifre)').fill('01234567890123');
    await page.getByRole('button', { name: 'Rilascia il certificato' }).click();
    await page.waitForURL(/\/backoffice\/anagrafe\/certificati\/[0-9a-f-]{36}$/);
    await expect(page.locator('[data-status]').textContent()).resolves.toBe('Rilasciato');
    await expectAccessible(page);
    const pdf = await download(page);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await page
      .getByRole('navigation', { name: 'Anagrafe' })
      .getByRole('link', { name: 'Certificati rilasciati' })
      .click();
    await expect(page.locator('table[data-certificates] tbody tr').count()).resolves.toBe(1);
    await expectAccessible(page);

    const sad = await office.newPage();
    await activateStaff(sad, office.prepared[3]!);
    await sad.goto('/sad/certificati');
    await expect(sad.locator('[data-total]').getAttribute('data-total')).resolves.toBe('1');
    await expectAccessible(sad);

    // Jesolo has no pagoPA settings here: the counter offers no notice, and says why.
    await page.goto('/jesolo/backoffice/anagrafe?cf=ZNTSFO12H65L736X');
    await expect(page.locator('#bollo-pagopa').isDisabled()).resolves.toBe(true);
    await expect(page.locator('#bollo-pagopa-why').textContent()).resolves.toContain('pagoPA');
    await expect(page.locator('#bollo-contrassegno').isChecked()).resolves.toBe(true);
    await expectAccessible(page);
  } finally {
    await office.close();
  }
});
