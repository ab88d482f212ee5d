// The citizen's certificates in the personal area over HTTP: who may enter, the request form (family
// members, available and unavailable types), an exempt certificate issued at once and downloaded, a paid
// one waiting for its €16 with the pay button coming back to the certificate, the family rule (403 and
// an audit event), field errors with nothing written, and that nobody else sees a certificate.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { recordReceipt } from '../payments/index.ts';
import { citizenSession } from '../payments/payments.pages.test-support.ts';
import { type PayingEnte, payingEnte, receiptFor } from '../payments/payments.test-support.ts';
import { pdfText } from '../payments/pdf-tools.test-support.ts';
import { seedPopulation } from '../registry/index.ts';
import { findCertificate } from './certificates.service.ts';

const GIULIA = 'ZNTGLI84C52L736W';
const SOFIA = 'ZNTSFO12H65L736X';
const LIST = '/jesolo/area-personale/certificati';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: PayingEnte;
let stranger: string;
let giulia: Browser;

const count = async () =>
  Number((await sql<{ n: string }>`select count(*) as n from certificates`.execute(database.db)).rows[0]!.n);
const idFrom = (location: unknown) => String(location).split('/').pop()!;

async function citizen(fiscalCode: string, name: string) {
  const browser = new Browser(built.app);
  browser.cookies = await citizenSession(database, fiscalCode, name);
  return browser;
}

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database, { SANDBOX: 'true' });
  jesolo = await payingEnte(database, 'jesolo');
  await seedPopulation(database.db, { enteId: jesolo.id, istatCode: '027019', size: 30 });
  const other = await sql<{ fiscal_code: string }>`
    select fiscal_code from registry_persons
    where ente_id = ${jesolo.id} and fiscal_code not like 'ZNT%' and death_date is null limit 1`.execute(
    database.db,
  );
  stranger = other.rows[0]!.fiscal_code;
  giulia = await citizen(GIULIA, 'Giulia Zanetti');
}, 120_000);
afterAll(async () => {
  await built.app.close();
  await database.close();
});

describe('who may enter', () => {
  it('asks to sign in, lets in citizens only, and is linked from the personal area', async () => {
    expect((await built.app.inject({ url: LIST })).statusCode).toBe(401);
    const operator = await sessionAs(database, 'op', [{ role: 'operator', enteId: jesolo.id }]);
    expect((await built.app.inject({ url: LIST, cookies: operator })).statusCode).toBe(403);
    expect((await giulia.get('/jesolo/area-personale')).body).toContain(`href="${LIST}"`);
    const empty = await giulia.get(LIST);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('Non hai ancora richiesto certificati');
  });
});

describe('the request form', () => {
  it('asks whom for when the family has several members, listing them', async () => {
    const page = await giulia.get(`${LIST}/nuovo`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="${GIULIA}"`);
    expect(page.body).toContain(`value="${SOFIA}"`);
    expect(page.body).not.toContain(`value="${stranger}"`);
    // Each as said of that person: Giulia is "te stessa", her daughter "figlia".
    expect(page.body).toContain(`Giulia Zanetti (${GIULIA}) – te stessa`);
    expect(page.body).toContain(`(${SOFIA}) – figlia`);
    const english = await giulia.get(`${LIST}/nuovo?lang=en`);
    expect(english.body).toContain(`(${SOFIA}) – daughter`);
    await giulia.get(`${LIST}/nuovo?lang=it`); // the choice of language sticks to the session
  });

  it('offers the types the registry supports for that person and explains the others', async () => {
    const page = await giulia.get(`${LIST}/nuovo?persona=${SOFIA}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="tipo-residenza"');
    expect(page.body).toContain('id="tipo-stato_famiglia"');
    // Sofia (13) has no marriage: offered only in the explained list, never as a choice.
    expect(page.body).not.toContain('id="tipo-matrimonio"');
    expect(page.body).toContain('Nel registro non risulta un matrimonio in essere.');
    expect(page.body).toContain('name="_csrf"');
    expect((await giulia.get(`${LIST}/nuovo?persona=${stranger}`)).statusCode).toBe(404);
  });
});

describe('requesting', () => {
  it('issues an exempt residence certificate at once and serves the sealed PDF', async () => {
    await giulia.get(`${LIST}/nuovo?persona=${GIULIA}`);
    const res = await giulia.post(LIST, { persona: GIULIA, tipo: 'residenza', esenzione: 'PENSIONE' });
    expect(res.statusCode).toBe(303);
    const page = await giulia.get(res.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-status="issued"');
    const pdf = await giulia.get(`${res.headers.location}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="CERT-\d{4}-\d{6}\.pdf"$/);
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('Zanetti');
    expect(text).toContain(GIULIA);
    expect(text).toContain('Esente da imposta di bollo');
    const list = await giulia.get(LIST);
    expect(list.body).toContain(`${LIST}/${idFrom(res.headers.location)}`);
  });

  it('keeps a family certificate without exemption waiting for the €16, then issues it when paid', async () => {
    await giulia.get(`${LIST}/nuovo?persona=${SOFIA}`);
    const res = await giulia.post(LIST, { persona: SOFIA, tipo: 'stato_famiglia', esenzione: '' });
    expect(res.statusCode).toBe(303);
    const here = res.headers.location as string;
    const page = await giulia.get(here);
    expect(page.body).toContain('data-status="awaiting_payment"');
    // Not yet published on pagoPA (no GPD here): paying online waits; the notice is linked.
    expect(page.body).toContain('data-pay-state="unavailable"');
    expect(page.body).toContain('/jesolo/area-personale/pagamenti/');
    expect((await giulia.get(`${here}/pdf`)).statusCode).toBe(404);

    const row = (await findCertificate(database.db, jesolo.id, idFrom(here)))!;
    // Once published, the page offers pagoPA; back from Checkout while the payment is being confirmed,
    // it says so and offers no second payment.
    await sql`update payment_positions set gpd_state = 'published'
      where ente_id = ${jesolo.id} and id = ${row.payment_position_id}`.execute(database.db);
    const payAction = `/jesolo/area-personale/pagamenti/${row.payment_position_id}/paga`;
    expect((await giulia.get(here)).body).toContain(payAction);
    const back = await giulia.get(`${here}?esito=ok`);
    expect(back.body).toContain('data-pay-state="confirming"');
    expect(back.body).not.toContain(payAction);
    // Giulia pays for her daughter: the €16 is hers to pay, in her own payments.
    const payment = await giulia.get(`/jesolo/area-personale/pagamenti/${row.payment_position_id}`);
    expect(payment.statusCode).toBe(200);
    expect(payment.body).toContain(GIULIA);
    const position = await sql<{ iuv: string; notice_number: string }>`
      select iuv, notice_number from payment_options
      where ente_id = ${jesolo.id} and position_id = ${row.payment_position_id}`.execute(database.db);
    const option = position.rows[0]!;
    await recordReceipt(
      database.db,
      receiptFor(jesolo, { iuv: option.iuv, noticeNumber: option.notice_number, amountCents: 1600 }),
      'notification',
    );
    for (
      let i = 0;
      i < 5 && (await findCertificate(database.db, jesolo.id, row.id))!.status !== 'issued';
      i++
    ) {
      await built.worker.runOnce();
    }
    expect((await giulia.get(`${here}?esito=ok`)).body).toContain('data-status="issued"');
    const text = await pdfText((await giulia.get(`${here}/pdf`)).rawPayload);
    expect(text).toContain(SOFIA);
    expect(text).toContain('assolta in modo virtuale tramite pagoPA');
  });

  it('refuses someone outside the family with 403 and an audit event, issuing nothing', async () => {
    const before = await count();
    await giulia.get(`${LIST}/nuovo?persona=${GIULIA}`);
    const res = await giulia.post(LIST, { persona: stranger, tipo: 'residenza', esenzione: 'PENSIONE' });
    expect(res.statusCode).toBe(403);
    expect(await count()).toBe(before);
    const audit = await sql<{ n: string }>`
      select count(*) as n from audit_events
      where ente_id = ${jesolo.id} and action = 'certificate.request.forbidden'`.execute(database.db);
    expect(Number(audit.rows[0]!.n)).toBeGreaterThan(0);
  });

  it('answers bad fields next to the field and an unavailable type with its reason, writing nothing', async () => {
    const before = await count();
    await giulia.get(`${LIST}/nuovo?persona=${GIULIA}`);
    const noType = await giulia.post(LIST, { persona: GIULIA, tipo: '', esenzione: '' });
    expect(noType.statusCode).toBe(400);
    expect(noType.body).toContain('id="tipo-error"');
    const badExemption = await giulia.post(LIST, {
      persona: GIULIA,
      tipo: 'residenza',
      esenzione: 'INVENTATA',
    });
    expect(badExemption.statusCode).toBe(400);
    expect(badExemption.body).toContain('id="esenzione-error"');
    expect(badExemption.body).toContain('aria-invalid="true"');
    const aire = await giulia.post(LIST, { persona: GIULIA, tipo: 'residenza_aire', esenzione: 'PENSIONE' });
    expect(aire.statusCode).toBe(422);
    expect(aire.body).toContain('AIRE');
    // A comune without pagoPA settings: the €16 cannot be asked for, and the form says why.
    await sql`create table payment_settings_aside as
      select * from payment_settings where ente_id = ${jesolo.id}`.execute(database.db);
    await sql`delete from payment_settings where ente_id = ${jesolo.id}`.execute(database.db);
    try {
      const unpaid = await giulia.post(LIST, { persona: GIULIA, tipo: 'residenza', esenzione: '' });
      expect(unpaid.statusCode).toBe(409);
      expect(unpaid.body).toContain('id="esenzione-error"');
      expect(unpaid.body).toContain('non ha ancora attivato i pagamenti pagoPA');
    } finally {
      await sql`insert into payment_settings select * from payment_settings_aside`.execute(database.db);
      await sql`drop table payment_settings_aside`.execute(database.db);
    }
    expect(await count()).toBe(before);
  });
});

describe('nobody else sees a certificate', () => {
  it('is a 404 for another citizen, and for the same id under another comune', async () => {
    const mine = await giulia.get(LIST);
    const id = /certificati\/([0-9a-f-]{36})"/.exec(mine.body)![1]!;
    const other = await citizen(stranger, 'Altra Persona');
    expect((await other.get(`${LIST}/${id}`)).statusCode).toBe(404);
    expect((await other.get(`${LIST}/${id}/pdf`)).statusCode).toBe(404);
    expect((await other.get(LIST)).body).not.toContain(id);
    expect((await giulia.get(`/caorle/area-personale/certificati/${id}`)).statusCode).toBe(404);
    expect((await giulia.get(`${LIST}/not-a-uuid`)).statusCode).toBe(404);
  });
});
