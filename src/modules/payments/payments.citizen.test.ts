// The citizen's payments in the personal area: who may open them, that a citizen sees only the positions
// filed under their own fiscal code in this ente (anything else is a 404, never a hint), how positions
// read (state, "€ 16,00", due date, notice number in groups of four), the PDFs, and the message shown
// while online payment is not possible.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { citizenSession } from './payments.pages.test-support.ts';
import { day, groupedNotice } from './payments.present.ts';
import type { CreatedDebtPosition } from './payments.service.ts';
import {
  CITIZEN,
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
let mine: CreatedDebtPosition;
let theirs: CreatedDebtPosition;
let elsewhere: CreatedDebtPosition;
let giulia: Record<string, string>;
const OTHER = { fiscalCode: 'ZNTMRC81S02C388P', fullName: 'Marco Zanetti', email: null };
const LIST = '/jesolo/area-personale/pagamenti';

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  jesolo = await payingEnte(database, 'jesolo');
  caorle = await payingEnte(database, 'caorle', '02');
  mine = await create(
    database.db,
    newPosition(jesolo.id, { options: [{ amountCents: 1250, dueDate: inDays(20) }] }),
  );
  theirs = await create(
    database.db,
    newPosition(jesolo.id, { debtor: OTHER, description: 'Diritti di Marco' }),
  );
  elsewhere = await create(database.db, newPosition(caorle.id, { description: 'Diritti a Caorle' }));
  giulia = await citizenSession(database, CITIZEN.fiscalCode);
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

const get = (url: string, cookies: Record<string, string> = giulia) => built.app.inject({ url, cookies });

describe('/{slug}/area-personale/pagamenti', () => {
  it('asks to sign in, and lets in citizens only', async () => {
    expect((await built.app.inject({ url: LIST })).statusCode).toBe(401);
    const operator = await sessionAs(database, 'op', [{ role: 'operator', enteId: jesolo.id }]);
    expect((await get(LIST, operator)).statusCode).toBe(403);
    expect((await get('/nessuno/area-personale/pagamenti')).statusCode).toBe(404);
  });

  it("lists the citizen's own positions of this ente, with state, amount, due date and notice number", async () => {
    const page = await get(LIST);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-position="${mine.positionId}"`);
    expect(page.body).not.toContain(theirs.positionId);
    expect(page.body).not.toContain(elsewhere.positionId);
    expect(page.body).toContain('Da pagare');
    expect(page.body).toContain('€ 12,50');
    expect(page.body).toContain(day(inDays(20)));
    expect(page.body).toContain(groupedNotice(mine.options[0]!.noticeNumber));
    expect(groupedNotice(mine.options[0]!.noticeNumber)).toMatch(/^\d{4} \d{4} \d{4} \d{4} \d{2}$/);
  });

  it('is linked from the personal area', async () => {
    expect((await get('/jesolo/area-personale')).body).toContain(`href="${LIST}"`);
  });

  it('tells a citizen whose provider gave no fiscal code why nothing is shown', async () => {
    const anonymous = await citizenSession(database, null, 'Eve Example');
    const page = await get(LIST, anonymous);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('non ha indicato il tuo codice fiscale');
    expect((await get(`${LIST}/${mine.positionId}`, anonymous)).statusCode).toBe(404);
  });
});

describe('one position', () => {
  it("is a 404 for another citizen's position, another ente's, or a malformed id", async () => {
    expect((await get(`${LIST}/${mine.positionId}`)).statusCode).toBe(200);
    expect((await get(`${LIST}/${theirs.positionId}`)).statusCode).toBe(404);
    expect((await get(`${LIST}/${theirs.positionId}/avviso`)).statusCode).toBe(404);
    expect((await get(`${LIST}/${elsewhere.positionId}`)).statusCode).toBe(404);
    expect((await get(`/caorle/area-personale/pagamenti/${mine.positionId}`)).statusCode).toBe(404);
    expect((await get(`${LIST}/not-a-uuid`)).statusCode).toBe(404);
    const marco = await citizenSession(database, OTHER.fiscalCode, OTHER.fullName);
    expect((await get(`${LIST}/${mine.positionId}`, marco)).statusCode).toBe(404);
    expect((await get(`${LIST}/${theirs.positionId}`, marco)).statusCode).toBe(200);
  });

  it('offers no payment until the position is published on pagoPA, and says why', async () => {
    const page = await get(`${LIST}/${mine.positionId}`);
    expect(page.body).not.toContain('/paga"');
    expect(page.body).toContain('non è al momento raggiungibile, riprova più tardi');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body);
    expect(csrf).toBeNull();
  });

  it('gives the payment notice as a PDF', async () => {
    const pdf = await get(`${LIST}/${mine.positionId}/avviso`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('shows "Pagato" and the receipt once paid; the receipt is nobody else\'s', async () => {
    const option = mine.options[0]!;
    expect((await get(`${LIST}/${mine.positionId}/ricevute/${option.iuv}`)).statusCode).toBe(404);
    await recordReceipt(database.db, receiptFor(jesolo, option), 'notification');
    const page = await get(`${LIST}/${mine.positionId}`);
    expect(page.body).toContain('data-status="paid"');
    expect(page.body).toContain('Pagato');
    expect(page.body).toContain(`/ricevute/${option.iuv}`);
    const receipt = await get(`${LIST}/${mine.positionId}/ricevute/${option.iuv}`);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const marco = await citizenSession(database, OTHER.fiscalCode, OTHER.fullName);
    expect((await get(`${LIST}/${mine.positionId}/ricevute/${option.iuv}`, marco)).statusCode).toBe(404);
  });

  it('shows the other states with their Italian labels', async () => {
    const expired = await create(database.db, newPosition(jesolo.id, { description: 'Scaduta' }));
    await sql`update payment_positions set status = 'expired' where id = ${expired.positionId}`.execute(
      database.db,
    );
    const cancelled = await create(database.db, newPosition(jesolo.id, { description: 'Annullata' }));
    await sql`update payment_positions set status = 'cancelled' where id = ${cancelled.positionId}`.execute(
      database.db,
    );
    const failed = await create(database.db, newPosition(jesolo.id, { description: 'Rifiutata' }));
    await sql`update payment_positions set status = 'failed' where id = ${failed.positionId}`.execute(
      database.db,
    );
    const page = await get(LIST);
    for (const label of ['Scaduto', 'Annullato', 'Non riuscito', 'Pagato'])
      expect(page.body).toContain(label);
    expect((await get(`${LIST}/${cancelled.positionId}/avviso`)).statusCode).toBe(404);
  });
});
