// The CSV import by an operator: the upload (multipart with the form's token; problems of the whole file
// next to the field), the job that creates the positions (good rows imported, bad rows reported with row
// number and column, a position refused whole), progress up to 100%, the error report, nothing imported
// twice, a job stopped and resumed in steps, and the import tables closed to other enti.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import type { JobRow } from '../../platform/jobs/jobs.ts';
import { findImport } from './import.repo.ts';
import { runImportStep, startImport } from './import.ts';
import { multipartBody } from './payments.pages.test-support.ts';
import { count, create, inDays, newPosition, type PayingEnte, payingEnte } from './payments.test-support.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: PayingEnte;
let caorle: PayingEnte;
let browser: Browser;
const BASE = '/jesolo/backoffice/pagamenti/importazioni';
const it_ = (days: number) => inDays(days).split('-').reverse().join('/');

const FILE = [
  'iupd;codice_fiscale;nominativo;email;voce;descrizione;importo;scadenza;rata',
  `IMP-1;ZNTGLI84C52L736W;Giulia Zanetti;giulia@example.it;FEE;Diritti di segreteria;16,00;${it_(30)};`,
  `IMP-2;ZNTMRC81S02C388P;Marco Zanetti;;FEE;TARI: prima rata;10,00;${it_(30)};1`,
  `IMP-2;ZNTMRC81S02C388P;Marco Zanetti;;FEE;TARI: seconda rata;10,50;${it_(60)};2`,
  `IMP-3;BADCF;Qualcuno;;FEE;Diritti;5;${it_(30)};`,
  `IMP-4;ZNTGLI84C52L736W;Giulia Zanetti;;FEE;Diritti;dieci euro;${it_(30)};`,
  `IMP-5;ZNTGLI84C52L736W;Giulia Zanetti;;FEE;Rata 1;5;${it_(30)};1`,
  `IMP-5;ZNTGLI84C52L736W;Giulia Zanetti;;OLD;Rata 2;5;${it_(60)};2`,
  `IMP-6;ZNTGLI84C52L736W;Giulia Zanetti;;NOPE;Diritti;5;${it_(30)};`,
  `IMP-7;ZNTGLI84C52L736W;Giulia Zanetti;;FEE;Passata;5;01/01/2020;`,
  `TAKEN-1;ZNTGLI84C52L736W;Giulia Zanetti;;FEE;Doppione;5;${it_(30)};`,
].join('\r\n');

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  jesolo = await payingEnte(database, 'jesolo');
  caorle = await payingEnte(database, 'caorle', '02');
  // An IUPD already used by a position another module created.
  await create(database.db, newPosition(jesolo.id, { iupd: 'TAKEN-1' }));
  browser = new Browser(built.app);
  browser.cookies = await sessionAs(database, 'op-tributi', [
    { role: 'operator', enteId: jesolo.id, areas: ['tributi'] },
  ]);
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

async function upload(
  content: string | Buffer | null,
  fields: Record<string, string> = {},
  name = 'avvisi.csv',
) {
  await browser.get(BASE);
  const body = multipartBody(
    { _csrf: browser.csrf!, ...fields },
    content === null ? null : { field: 'file', name, content },
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

const importedPositions = () =>
  sql<{ n: number }>`select count(*) as n from payment_positions
    where ente_id = ${jesolo.id} and source_module = 'payments' and source_ref like 'import:%'`
    .execute(database.db)
    .then((r) => Number(r.rows[0]!.n));

let firstImport: string;

describe('uploading a file', () => {
  it('imports the good rows and reports each bad row with its number and column', async () => {
    const answer = await upload(FILE);
    expect(answer.statusCode).toBe(303);
    firstImport = String(answer.headers.location);
    expect(firstImport).toMatch(new RegExp(`^${BASE}/[0-9a-f-]{36}$`));
    const queued = await browser.get(firstImport);
    expect(queued.body).toContain('data-import-status="queued"');
    expect(queued.body).toContain('data-percent="0"');
    expect(queued.body).toContain('data-reload');

    await drainJobs();
    const page = await browser.get(firstImport);
    expect(page.body).toContain('data-import-status="done"');
    expect(page.body).toContain('data-percent="100"');
    expect(page.body).toContain('10 righe elaborate su 10 (100%)');
    expect(page.body).not.toContain('data-reload');
    expect(page.body).toMatch(/data-count="created">3</);
    expect(page.body).toMatch(/data-count="error">7</);
    expect(await importedPositions()).toBe(2);

    const csv = (await browser.get(`${firstImport}/errori.csv`)).rawPayload.toString('utf8');
    const lines = csv.slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('riga;iupd;colonna;errore');
    expect(lines).toContain(
      '5;IMP-3;codice_fiscale;Non è un codice fiscale valido (16 caratteri per una persona, 11 cifre per un ente o un’impresa).',
    );
    expect(lines).toContain('6;IMP-4;importo;Non è un importo: scrivi per esempio 12,50 o 1.234,56.');
    expect(lines).toContain('7;IMP-5;iupd;Non importata: un’altra riga con lo stesso IUPD ha errori.');
    expect(lines.some((l) => l.startsWith('8;IMP-5;voce;Diverso dalla prima riga'))).toBe(true);
    expect(lines).toContain('9;IMP-6;voce;Non è una voce attiva del catalogo dei pagamenti.');
    expect(lines).toContain('10;IMP-7;scadenza;La scadenza è già passata.');
    expect(lines).toContain('11;TAKEN-1;iupd;Questo IUPD è già usato da un’altra posizione dell’ente.');
  });

  it('creates the instalments of rows sharing an IUPD as one position, audited as the operator', async () => {
    const rows = await sql<{ seq: number; amount_cents: number; is_instalment: boolean; created_by: string }>`
      select o.seq, o.amount_cents, o.is_instalment, p.created_by from payment_options o
      join payment_positions p on p.ente_id = o.ente_id and p.id = o.position_id
      where p.ente_id = ${jesolo.id} and p.iupd = 'IMP-2' order by o.seq`.execute(database.db);
    expect(rows.rows.map((r) => [r.seq, Number(r.amount_cents), r.is_instalment, r.created_by])).toEqual([
      [1, 1000, true, 'op-tributi'],
      [2, 1050, true, 'op-tributi'],
    ]);
    expect(
      await count(database.db, 'audit_events', { ente_id: jesolo.id, action: 'payment.import.create' }),
    ).toBe(1);
    expect(
      await count(database.db, 'audit_events', { ente_id: jesolo.id, action: 'payment.import.done' }),
    ).toBe(1);
    // A refused position left nothing behind: no IMP-5 at all, not even its good row.
    expect(await count(database.db, 'payment_positions', { ente_id: jesolo.id, iupd: 'IMP-5' })).toBe(0);
  });

  it('imports nothing twice: the same file again creates no position and says it was imported before', async () => {
    const answer = await upload(FILE, {}, 'avvisi-di-nuovo.csv');
    expect(answer.statusCode).toBe(303);
    await drainJobs();
    const page = await browser.get(String(answer.headers.location));
    expect(page.body).toContain('data-percent="100"');
    expect(page.body).toMatch(/data-count="created">0</);
    expect(page.body).toMatch(/data-count="skipped">3</);
    expect(page.body).toContain('era già stato importato');
    expect(await importedPositions()).toBe(2);
    // A different file naming an IUPD imported before: reported as imported before, not created.
    const again = await upload(
      `iupd;codice_fiscale;nominativo;descrizione;importo;scadenza\nIMP-1;ZNTGLI84C52L736W;Giulia Zanetti;Altro;99;${it_(30)}\n`,
    );
    await drainJobs();
    expect((await browser.get(String(again.headers.location))).body).toMatch(/data-count="skipped">1</);
    expect(await importedPositions()).toBe(2);
  });

  it('refuses a file it cannot read, with the reason next to the field', async () => {
    const cases: [string | null, RegExp][] = [
      [null, /Scegli un file CSV/],
      [
        'iupd;importo\nA;1\n',
        /Mancano le colonne obbligatorie: codice_fiscale, nominativo, descrizione, scadenza/,
      ],
      [
        'iupd;codice_fiscale;nominativo;descrizione;importo;scadenza;importo_euro\n',
        /Colonne sconosciute: importo_euro/,
      ],
      ['iupd;codice_fiscale;nominativo;descrizione;importo;scadenza\n', /Il file è vuoto/],
    ];
    for (const [content, message] of cases) {
      const answer = await upload(content);
      expect(answer.statusCode).toBe(400);
      expect(answer.body).toMatch(message);
      expect(answer.body).toContain('id="file-error"');
      expect(answer.body).toContain('aria-invalid="true"');
    }
    const tooBig = await upload(`${'x'.repeat(2 * 1024 * 1024 + 10)}`);
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.body).toContain('supera i 2 MB');
  });

  it('needs the form token', async () => {
    const body = multipartBody({}, { field: 'file', name: 'a.csv', content: FILE });
    const answer = await built.app.inject({
      method: 'POST',
      url: BASE,
      cookies: browser.cookies,
      headers: { 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(answer.statusCode).toBe(403);
  });

  it('offers a template with the documented columns', async () => {
    const csv = (await browser.get(`${BASE}/modello.csv`)).rawPayload.toString('utf8');
    expect(
      csv.startsWith('\uFEFFiupd;codice_fiscale;nominativo;email;voce;descrizione;importo;scadenza;rata\r\n'),
    ).toBe(true);
  });
});

describe('the import job', () => {
  it('works in steps, each resuming where the last stopped, until done', async () => {
    const rows = [1, 2, 3].map((n) => `STEP-${n};ZNTGLI84C52L736W;Giulia Zanetti;FEE;Diritti;1;${it_(30)}`);
    const started = await startImport(database.db, { subject: 'op' }, jesolo.id, {
      name: 'passi.csv',
      bytes: Buffer.from(
        ['iupd;codice_fiscale;nominativo;voce;descrizione;importo;scadenza', ...rows].join('\n'),
      ),
    });
    if (!('importId' in started)) throw new Error('not started');
    const job = { ente_id: jesolo.id, payload: { importId: started.importId, step: 0 } } as unknown as JobRow;
    await runImportStep(database.db, job, 0); // no time at all: one position per step
    const halfway = (await findImport(database.db, jesolo.id, started.importId))!;
    expect(halfway.status).toBe('running');
    expect(halfway.counts).toMatchObject({ created: 1, queued: 2 });
    expect(
      await count(database.db, 'jobs', {
        ente_id: jesolo.id,
        queue: 'payments.import',
        idempotency_key: `${started.importId}:1`,
      }),
    ).toBe(1);
    // The same step again (a retried job) does not redo the rows already settled.
    await runImportStep(database.db, job, 0);
    expect((await findImport(database.db, jesolo.id, started.importId))!.counts).toMatchObject({
      created: 2,
      queued: 1,
    });
    await drainJobs();
    const done = (await findImport(database.db, jesolo.id, started.importId))!;
    expect(done.status).toBe('done');
    expect(done.counts).toMatchObject({ created: 3, queued: 0, error: 0 });
  });
});

describe('tenant isolation', () => {
  it("never shows an import to another ente's operators, nor its rows to another ente's transaction", async () => {
    const other = await sessionAs(database, 'op-caorle', [{ role: 'operator', enteId: caorle.id }]);
    expect(
      (await built.app.inject({ url: firstImport.replace('/jesolo/', '/caorle/'), cookies: other }))
        .statusCode,
    ).toBe(404);
    expect((await built.app.inject({ url: firstImport, cookies: other })).statusCode).toBe(403);
    for (const table of ['payment_imports', 'payment_import_rows']) {
      expect(await count(database.db, table, { ente_id: jesolo.id })).toBeGreaterThan(0);
      const seen = await withTenant(database.db, caorle.id, (trx) =>
        sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(trx),
      );
      expect(Number(seen.rows[0]!.n)).toBe(0);
      const changed = await withTenant(database.db, caorle.id, (trx) =>
        sql`update ${sql.table(table)} set ente_id = ente_id`.execute(trx),
      );
      expect(Number(changed.numAffectedRows)).toBe(0);
    }
    await expect(
      withTenant(database.db, caorle.id, (trx) =>
        sql`insert into payment_imports (ente_id, file_name, file_sha256, rows_total, created_by)
          values (${jesolo.id}, 'x.csv', ${'0'.repeat(64)}, 1, 'intruder')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(database.db, jesolo.id, (trx) => sql`delete from payment_import_rows`.execute(trx)),
    ).rejects.toThrow(/permission denied/);
  });
});
