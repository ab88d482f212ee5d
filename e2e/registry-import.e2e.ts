// Journey of the registry import. A registry clerk of Jesolo (its ente admin, invited from the command
// line on a fresh installation) opens the import page, sends the form without a file and reads why,
// then uploads the page's own template with one person added whose fiscal code is wrong, follows the
// import to the end, finds the bad record with its column, downloads the error report and sees the
// import among the recent ones. Every page visited must have zero WCAG 2.1 AA violations.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { activateStaff, expectAccessible, startHarness } from './support.ts';

const BASE = '/jesolo/backoffice/anagrafe/importazioni';
const WAIT_MS = 30_000;

test('a registry clerk imports a file, follows it to the end and reads its errors', {
  timeout: 180_000,
}, async () => {
  const office = await startHarness([
    ['seed', '--aggregation', 'venezia'],
    [
      'staff',
      'invite',
      '--email',
      'rita.anagrafe@comune.jesolo.example.it',
      '--name',
      'Rita Anagrafe',
      '--ente',
      'jesolo',
      '--role',
      'ente_admin',
    ],
  ]);
  try {
    const page = await office.newPage();
    await activateStaff(page, office.prepared[1]!);
    await page.goto(BASE);
    await expect(page.locator('h1').textContent()).resolves.toBe('Importazione anagrafe');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Importa', exact: true }).click();
    await expect(page.locator('#file-error').textContent()).resolves.toContain('Scegli un file CSV o JSON');
    await expectAccessible(page);

    // The page's template, as the clerk would download it, with one more person whose code is wrong.
    const template = (await (await page.request.get(`${BASE}/modello.csv`)).text()).replace(/^\uFEFF/, '');
    const header = template.split('\r\n')[0]!.split(';');
    const person: Record<string, string> = {
      tipo: 'persona',
      codice_fiscale: 'NONVALIDO',
      cognome: 'Prova',
      nome: 'Errata',
      sesso: 'F',
      data_nascita: '01/02/1990',
      codice_famiglia: '1024',
    };
    const csv = `${template}${header.map((column) => person[column] ?? '').join(';')}\r\n`;
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'cz-registry-')), 'anagrafe.csv');
    await fs.writeFile(file, csv);
    const records = csv.trim().split('\r\n').length - 1;

    await page.getByLabel('File da importare (CSV o JSON)').setInputFiles(file);
    await page.getByRole('button', { name: 'Importa', exact: true }).click();
    await page.waitForURL(new RegExp(`${BASE}/[0-9a-f-]{36}$`));
    const deadline = Date.now() + WAIT_MS;
    while ((await page.locator('[data-percent="100"]').count()) === 0) {
      if (Date.now() > deadline) throw new Error(`still waiting on ${page.url()}`);
      await new Promise((r) => setTimeout(r, 500));
      if ((await page.locator('a[data-reload]').count()) > 0) await page.locator('a[data-reload]').click();
      else await page.reload();
      await page.waitForLoadState();
    }
    await expect(page.locator('[data-count="created"]').textContent()).resolves.toBe(String(records - 1));
    await expect(page.locator('[data-count="error"]').textContent()).resolves.toBe('1');
    // One line per problem of the record (its line in the file: the header is line 1).
    const problems = await page.locator(`tr[data-row="${records + 1}"]`).allTextContents();
    expect(problems.some((line) => line.includes('codice_fiscale'))).toBe(true);
    await expectAccessible(page);

    const [report] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Scarica l’elenco degli errori (CSV)' }).click(),
    ]);
    const errors = await fs.readFile(await report.path(), 'utf8');
    expect(errors.replace(/^\uFEFF/, '').startsWith('riga;tipo;chiave;colonna;errore')).toBe(true);
    expect(errors).toContain('codice_fiscale');

    await page.goto(BASE);
    await expect(page.locator('table[data-imports] tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('table[data-imports]').textContent()).resolves.toContain('anagrafe.csv');
    await expectAccessible(page);
  } finally {
    await office.close();
  }
});
