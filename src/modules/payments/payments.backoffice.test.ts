// The operators' payments back office: who may open it (payments.operate), the list and its filters with
// errors next to the fields, pages, the CSV export (what a spreadsheet gets), one position, the receipts
// worklist (resolve with a note, audited) and the daily reconciliation report with its CSV.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { todayInRome } from '../../platform/dates.ts';
import { csvCell } from '../../platform/http/csv.ts';
import type { CreatedDebtPosition } from './payments.service.ts';
import {
  create,
  inDays,
  newPosition,
  type PayingEnte,
  payingEnte,
  receiptFor,
} from './payments.test-support.ts';
import { recordReceipt } from './reconcile.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: PayingEnte;
let caorle: PayingEnte;
let operator: Record<string, string>;
let paidOne: CreatedDebtPosition;
let tricky: CreatedDebtPosition;
let foreign: CreatedDebtPosition;
const BASE = '/jesolo/backoffice/pagamenti';
const MARCO = { fiscalCode: 'ZNTMRC81S02C388P', fullName: 'Marco Zanetti', email: null };

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  jesolo = await payingEnte(database, 'jesolo');
  caorle = await payingEnte(database, 'caorle', '02');
  operator = await sessionAs(database, 'op-pagamenti', [
    { role: 'operator', enteId: jesolo.id, areas: ['pagamenti'] },
  ]);
  paidOne = await create(
    database.db,
    newPosition(jesolo.id, { options: [{ amountCents: 2221, dueDate: inDays(10) }] }),
  );
  await recordReceipt(database.db, receiptFor(jesolo, paidOne.options[0]!), 'notification');
  tricky = await create(
    database.db,
    newPosition(jesolo.id, {
      debtor: { ...MARCO, fullName: '=HYPERLINK("x")' },
      description: 'Mensa; "marzo"',
      options: [{ amountCents: 123456, dueDate: inDays(40) }],
    }),
  );
  for (let i = 0; i < 26; i++)
    await create(database.db, newPosition(jesolo.id, { description: `Diritti ${i}` }));
  foreign = await create(database.db, newPosition(caorle.id));
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

const get = (url: string, cookies = operator) => built.app.inject({ url, cookies });

describe('who may use the back office', () => {
  it('lets in the ente admin and operators of the payments or taxes area (or of every area)', async () => {
    expect((await built.app.inject({ url: BASE })).statusCode).toBe(401);
    const allowed = [
      [{ role: 'operator' as const, enteId: jesolo.id, areas: ['pagamenti'] }],
      [{ role: 'operator' as const, enteId: jesolo.id, areas: ['tributi', 'anagrafe'] }],
      [{ role: 'operator' as const, enteId: jesolo.id }],
      [{ role: 'ente_admin' as const, enteId: jesolo.id }],
    ];
    for (const grants of allowed) {
      const cookies = await sessionAs(database, 'someone', grants);
      for (const path of ['', '/segnalazioni', '/riconciliazione', '/importazioni']) {
        expect((await get(`${BASE}${path}`, cookies)).statusCode).toBe(200);
      }
    }
    const refused = [
      [{ role: 'operator' as const, enteId: jesolo.id, areas: ['anagrafe'] }],
      [{ role: 'operator' as const, enteId: caorle.id }],
      [{ role: 'ente_admin' as const, enteId: caorle.id }],
      [{ role: 'citizen' as const }],
    ];
    for (const grants of refused) {
      const cookies = await sessionAs(database, 'someone-else', grants);
      for (const path of ['', '/export.csv', '/segnalazioni', '/riconciliazione', '/importazioni']) {
        expect((await get(`${BASE}${path}`, cookies)).statusCode).toBe(403);
      }
    }
  });
});

describe('positions', () => {
  it('lists 25 a page, newest first, with pages keeping the filters', async () => {
    const first = await get(BASE);
    expect(first.body).toContain('data-total="28"');
    expect(first.body.match(/data-position="/g)).toHaveLength(25);
    expect(first.body).toContain('Pagina 1 di 2');
    expect(first.body).toContain(`href="${BASE}?pagina=2"`);
    const second = await get(`${BASE}?pagina=2`);
    expect(second.body.match(/data-position="/g)).toHaveLength(3);
    expect(second.body).toContain(paidOne.positionId);
    expect(first.body).not.toContain(foreign.positionId);
  });

  it('filters by state, debtor, item and due dates', async () => {
    const paid = await get(`${BASE}?stato=paid`);
    expect(paid.body).toContain('data-total="1"');
    expect(paid.body).toContain(paidOne.positionId);
    const marco = await get(`${BASE}?cf=${MARCO.fiscalCode.toLowerCase()}`);
    expect(marco.body).toContain('data-total="1"');
    expect(marco.body).toContain(tricky.positionId);
    expect((await get(`${BASE}?voce=FEE`)).body).toContain('data-total="28"');
    const late = await get(`${BASE}?dal=${inDays(35)}&al=${inDays(45)}`);
    expect(late.body).toContain('data-total="1"');
    expect(late.body).toContain(tricky.positionId);
  });

  it('answers a wrong filter with the error next to its field, never a 500', async () => {
    const page = await get(`${BASE}?cf=123&dal=2026-02-30&voce=NOPE`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('id="cf-error"');
    expect(page.body).toContain('aria-describedby="cf-error"');
    expect(page.body).toContain('id="dal-error"');
    expect(page.body).toContain('id="voce-error"');
    expect(page.body).toContain('href="#cf"');
    const reversed = await get(`${BASE}?dal=${inDays(10)}&al=${inDays(5)}`);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('id="al-error"');
  });

  it('exports the filtered list as CSV for Italian spreadsheets', async () => {
    const answer = await get(`${BASE}/export.csv?cf=${MARCO.fiscalCode}`);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toContain('attachment; filename="pagamenti-jesolo.csv"');
    const text = answer.rawPayload.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'iupd;codice_fiscale;nominativo;descrizione;voce;importo;scadenza;codice_avviso;iuv;stato;creata_il;pagata_il',
    );
    expect(lines).toHaveLength(3); // header, one position, the final line end
    const cells = lines[1]!;
    expect(cells).toContain(`;${MARCO.fiscalCode};"'=HYPERLINK(""x"")";`);
    expect(cells).toContain(';"Mensa; ""marzo""";FEE;1234,56;');
    expect(cells).toContain(`;${tricky.options[0]!.noticeNumber};${tricky.options[0]!.iuv};Da pagare;`);
    const all = (await get(`${BASE}/export.csv`)).rawPayload.toString('utf8').split('\r\n');
    expect(all).toHaveLength(30);
    expect(all.join('\n')).toContain(';22,21;');
    expect(all.join('\n')).toContain(';Pagato;');
  });

  it("shows one position with its documents; another ente's is a 404", async () => {
    const page = await get(`${BASE}/posizioni/${paidOne.positionId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(paidOne.iupd);
    expect(page.body).toContain(`/ricevute/${paidOne.options[0]!.iuv}`);
    const receipt = await get(`${BASE}/posizioni/${paidOne.positionId}/ricevute/${paidOne.options[0]!.iuv}`);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    expect((await get(`${BASE}/posizioni/${paidOne.positionId}/avviso`)).statusCode).toBe(200);
    expect((await get(`${BASE}/posizioni/${foreign.positionId}`)).statusCode).toBe(404);
    expect((await get(`/caorle/backoffice/pagamenti/posizioni/${paidOne.positionId}`)).statusCode).toBe(403);
  });
});

describe('receipts to check', () => {
  it('lists receipts that need a person and closes one with a note, audited', async () => {
    const stray = { iuv: '47000000009999901', noticeNumber: '347000000009999901', amountCents: 500 };
    const recorded = await recordReceipt(database.db, receiptFor(jesolo, stray), 'notification');
    const browser = new Browser(built.app);
    browser.cookies = operator;
    const page = await browser.get(`${BASE}/segnalazioni`);
    expect(page.body).toContain(`data-issue="${recorded.receiptId}"`);
    expect(page.body).toContain('Pagamento di un avviso sconosciuto');

    const empty = await browser.post(`${BASE}/segnalazioni`, { receiptId: recorded.receiptId });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Scrivi una nota');
    expect(empty.body).toContain('aria-invalid="true"');

    const field = /name="(nota-[0-9a-f]{12})"/.exec(empty.body)![1]!;
    const done = await browser.post(`${BASE}/segnalazioni`, {
      receiptId: recorded.receiptId,
      [field]: 'Rimborsato al pagatore',
    });
    expect(done.statusCode).toBe(303);
    expect((await browser.get(`${BASE}/segnalazioni`)).body).not.toContain(
      `data-issue="${recorded.receiptId}"`,
    );
    expect((await browser.get(`${BASE}/segnalazioni?tutte=1`)).body).toContain('Rimborsato al pagatore');
    const audit = await sql<{ actor: string }>`
      select actor from audit_events where ente_id = ${jesolo.id} and action = 'payment.receipt.resolve'`.execute(
      database.db,
    );
    expect(audit.rows.map((r) => r.actor)).toEqual(['op-pagamenti']);
    // Twice (a colleague was quicker): nothing happens, and the page says so.
    const again = await browser.post(`${BASE}/segnalazioni`, {
      receiptId: recorded.receiptId,
      [field]: 'Ancora',
    });
    expect(again.headers.location).toContain('risolta=0');
  });
});

describe('daily reconciliation', () => {
  it('counts the receipts of the day by item, the issues opened and the positions paid', async () => {
    const page = await get(`${BASE}/riconciliazione`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-report-day="${todayInRome()}"`);
    const csv = (await get(`${BASE}/riconciliazione.csv?giorno=${todayInRome()}`)).rawPayload.toString(
      'utf8',
    );
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('giorno;sezione;voce;numero;importo');
    expect(lines).toContain(
      `${todayInRome()};Ricevute registrate;Ricevute ricevute nel giorno (importo accreditato);2;22,21`,
    );
    expect(lines).toContain(`${todayInRome()};Accreditate, per voce;FEE;1;22,21`);
    expect(lines).toContain(`${todayInRome()};Non accreditate;Avvisi sconosciuti;1;5,00`);
    expect(lines).toContain(
      `${todayInRome()};Segnalazioni aperte;Pagamento di un avviso sconosciuto (nulla è stato accreditato);1;`,
    );
    expect(lines).toContain(`${todayInRome()};Posizioni;Pagate;1;`);
    const yesterday = new Date(Date.parse(`${todayInRome()}T12:00:00Z`) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    const before = (await get(`${BASE}/riconciliazione.csv?giorno=${yesterday}`)).rawPayload.toString('utf8');
    expect(before).toContain(
      `${yesterday};Ricevute registrate;Ricevute ricevute nel giorno (importo accreditato);0;0,00`,
    );
  });

  it('answers a wrong day with the error next to the field', async () => {
    const page = await get(`${BASE}/riconciliazione?giorno=31-02-2026`);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('id="giorno-error"');
  });
});

describe('csv cells', () => {
  it('quotes separators and quotes, and disarms formulas', () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
  });
});
