// The registry office's import pages through HTTP: who may open them (registry.operate: the ente admin
// and operators of the "anagrafe" area of that ente), the upload (multipart with the form's token; a file
// it cannot use refused next to the field, never a 500), the progress page up to 100%, the errors with row
// and column, the error report as a spreadsheet reads it, the template, and English on request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  enteId,
  sessionAs,
  type TestDatabase,
  testApp,
  testDatabase,
} from '../../../test/support.ts';
import { localRegistry } from './registry.service.ts';
import { bundleRecords, csvFile, multipartBody, population } from './registry-import.test-support.ts';
import { MAX_IMPORT_BYTES } from './registry-import-file.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: string;
let caorle: string;
let browser: Browser;
const BASE = '/jesolo/backoffice/anagrafe/importazioni';
const people = population('027019', 30, 'pages');
const good = bundleRecords(people);
const bad = [
  ...good,
  { tipo: 'persona', codice_fiscale: 'BRTLCU79C14C388X', cognome: '=SOMMA(A1)', nome: 'Luca' },
  {
    tipo: 'matrimonio',
    codice_fiscale: people[0]!.persons[0]!.fiscal_code,
    codice_fiscale_2: 'PVNSRG50M30Z112M',
  },
  { tipo: 'famiglia', codice_famiglia: '=1+2', indirizzo: 'Via Roma', localita: 'Jesolo' },
];

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  jesolo = await enteId(database, 'jesolo');
  caorle = await enteId(database, 'caorle');
  browser = new Browser(built.app);
  browser.cookies = await sessionAs(database, 'op-anagrafe', [
    { role: 'operator', enteId: jesolo, areas: ['anagrafe'] },
  ]);
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

async function upload(
  content: Buffer | string | null,
  name = 'anagrafe.csv',
  fields: Record<string, string> = {},
) {
  await browser.get(BASE);
  const body = multipartBody(
    { _csrf: browser.csrf!, ...fields },
    content === null ? null : { name, content },
  );
  return built.app.inject({
    method: 'POST',
    url: BASE,
    cookies: browser.cookies,
    headers: { 'content-type': body.contentType },
    payload: body.payload,
  });
}

async function drainJobs() {
  for (let i = 0; i < 50 && (await built.worker.runOnce()) > 0; i++);
}

describe('who may import', () => {
  it('lets in the ente admin and its operators of the anagrafe area only', async () => {
    const status = async (cookies?: Record<string, string>) =>
      (await built.app.inject({ url: BASE, ...(cookies ? { cookies } : {}) })).statusCode;
    expect(await status()).toBe(401);
    const as = (grants: Parameters<typeof sessionAs>[2]) => sessionAs(database, 'someone', grants);
    expect(await status(await as([{ role: 'ente_admin', enteId: jesolo }]))).toBe(200);
    expect(
      await status(await as([{ role: 'operator', enteId: jesolo, areas: ['anagrafe', 'tributi'] }])),
    ).toBe(200);
    expect(await status(await as([{ role: 'operator', enteId: jesolo, areas: ['tributi'] }]))).toBe(403);
    expect(await status(await as([{ role: 'operator', enteId: caorle, areas: ['anagrafe'] }]))).toBe(403);
    expect(await status(await as([{ role: 'ente_admin', enteId: caorle }]))).toBe(403);
  });

  it('refuses an upload from anyone else before reading its body', async () => {
    // A body the multipart parser would refuse (400): the 401/403 comes first, so it was never read.
    const post = (cookies?: Record<string, string>) =>
      built.app.inject({
        method: 'POST',
        url: BASE,
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        payload: 'not multipart at all',
        ...(cookies ? { cookies } : {}),
      });
    expect((await post()).statusCode).toBe(401);
    const other = await sessionAs(database, 'other', [{ role: 'ente_admin', enteId: caorle }]);
    expect((await post(other)).statusCode).toBe(403);
  });
});

let imported: string;

describe('uploading a file', () => {
  it('imports the good records, shows progress to 100% and each bad record with row and column', async () => {
    const answer = await upload(csvFile(bad));
    expect(answer.statusCode).toBe(303);
    imported = String(answer.headers.location);
    expect(imported).toMatch(new RegExp(`^${BASE}/[0-9a-f-]{36}$`));
    const queued = await browser.get(imported);
    expect(queued.body).toContain('data-import-status="queued"');
    expect(queued.body).toContain('data-percent="0"');
    expect(queued.body).toContain('data-reload');

    await drainJobs();
    const page = await browser.get(imported);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-import-status="done"');
    expect(page.body).toContain('data-percent="100"');
    expect(page.body).toContain(`${bad.length} record elaborati su ${bad.length} (100%)`);
    expect(page.body).not.toContain('data-reload');
    expect(page.body).toMatch(new RegExp(`data-count="created">${good.length}<`));
    expect(page.body).toMatch(/data-count="error">3</);
    const badRow = good.length + 2;
    expect(page.body).toContain(`data-row="${badRow}"`);
    expect(page.body).toContain('Non è un codice fiscale valido');
    expect(
      await localRegistry(database.db).findPerson(jesolo, people[0]!.persons[0]!.fiscal_code),
    ).not.toBeNull();

    const list = await browser.get(BASE);
    expect(list.body).toContain(`${good.length} nuovi, 0 aggiornati, 0 invariati, 3 con errori`);
  });

  it('gives the error report as CSV: BOM, ";" and cells a spreadsheet will not run', async () => {
    const answer = await browser.get(`${imported}/errori.csv`);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toMatch(
      /^attachment; filename="errori-importazione-anagrafe-/,
    );
    const csv = answer.rawPayload.toString('utf8');
    expect(csv.startsWith('\uFEFFriga;tipo;chiave;colonna;errore\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    const row = good.length + 2;
    expect(lines).toContain(
      `${row};persona;BRTLCU79C14C388X;codice_fiscale;Non è un codice fiscale valido: 16 caratteri con il carattere di controllo corretto.`,
    );
    expect(lines).toContain(`${row};persona;BRTLCU79C14C388X;data_nascita;Il valore è obbligatorio.`);
    expect(
      lines.some((l) => l.startsWith(`${row + 1};matrimonio;`) && l.includes(';data_celebrazione;')),
    ).toBe(true);
    // A value that would run as a formula gets an apostrophe.
    expect(lines).toContain(
      `${row + 2};famiglia;'=1+2;codice_famiglia;Il codice della famiglia è fatto di sole cifre, al massimo 12.`,
    );
  });

  it('imports nothing twice: the same file again says so and changes nothing', async () => {
    const again = await upload(csvFile(bad), 'di-nuovo.csv');
    await drainJobs();
    const page = await browser.get(String(again.headers.location));
    expect(page.body).toMatch(/data-count="created">0</);
    expect(page.body).toMatch(new RegExp(`data-count="unchanged">${good.length}<`));
    expect(page.body).toContain('era già stato importato');
  });

  it('refuses a file it cannot use with the reason next to the field, never a 500', async () => {
    const cases: [Buffer | string | null, string, RegExp][] = [
      [null, 'a.csv', /Scegli un file CSV o JSON/],
      ['', 'vuoto.csv', /Scegli un file CSV o JSON/],
      ['tipo;codice_fiscale\n', 'vuoto.csv', /Il file è vuoto/],
      [Buffer.from('%PDF-1.7\n\u0000\u0001binary'), 'documento.pdf', /non è un CSV né un JSON/],
      ['nome;cognome\nLuca;Bortolato\n', 'altro.csv', /Mancano le colonne obbligatorie: tipo/],
      ['tipo;codice_fiscale;colore\npersona;X;blu\n', 'altro.csv', /Colonne sconosciute: colore/],
      ['{"persone": 3}', 'a.json', /Il documento JSON non è valido \(\/persone\)/],
    ];
    for (const [content, name, message] of cases) {
      const answer = await upload(content, name);
      expect(answer.statusCode, String(message)).toBe(400);
      expect(answer.body).toMatch(message);
      expect(answer.body).toContain('id="file-error"');
      expect(answer.body).toContain('aria-invalid="true"');
      expect(answer.body).toContain('aria-describedby="file-error file-hint"');
      expect(answer.body).toContain('href="#file"');
    }
    const tooBig = await upload(Buffer.alloc(MAX_IMPORT_BYTES + 10, 'a'));
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.body).toContain('supera i 64 MB');
  });

  it('needs the form token', async () => {
    const body = multipartBody({}, { name: 'a.csv', content: csvFile(good) });
    const answer = await built.app.inject({
      method: 'POST',
      url: BASE,
      cookies: browser.cookies,
      headers: { 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(answer.statusCode).toBe(403);
  });

  it('offers a template with every column, whose records import cleanly', async () => {
    const template = (await browser.get(`${BASE}/modello.csv`)).rawPayload;
    expect(template.toString('utf8').startsWith('\uFEFFtipo;codice_famiglia;indirizzo;')).toBe(true);
    const answer = await upload(template, 'modello.csv');
    await drainJobs();
    const page = await browser.get(String(answer.headers.location));
    expect(page.body).toMatch(/data-count="error">0</);
    expect(page.body).toMatch(/data-count="created">11</);
  });

  it('speaks English on request', async () => {
    const page = await browser.get(`${imported}?lang=en`);
    expect(page.body).toContain(`${bad.length} of ${bad.length} records processed (100%)`);
    expect(page.body).toContain('Not a valid fiscal code');
  });
});

describe('tenant isolation', () => {
  it("never shows an import to another ente's staff, not even through their own ente's path", async () => {
    const other = await sessionAs(database, 'op-caorle', [
      { role: 'operator', enteId: caorle, areas: ['anagrafe'] },
    ]);
    const get = (url: string) => built.app.inject({ url, cookies: other });
    expect((await get(imported)).statusCode).toBe(403);
    expect((await get(`${imported}/errori.csv`)).statusCode).toBe(403);
    expect((await get(imported.replace('/jesolo/', '/caorle/'))).statusCode).toBe(404);
    expect((await get(`${imported.replace('/jesolo/', '/caorle/')}/errori.csv`)).statusCode).toBe(404);
    const list = await get('/caorle/backoffice/anagrafe/importazioni');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Nessuna importazione.');
    expect(
      await localRegistry(database.db).findPerson(caorle, people[0]!.persons[0]!.fiscal_code),
    ).toBeNull();
  });
});
