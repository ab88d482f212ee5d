// The registry office's counter over HTTP: who may enter (registry.operate), finding a person (every
// consultation audited), issuing for a citizen without SPID with an exemption, a marca da bollo (usable
// once) or a pagoPA notice, field errors with nothing written, the office list and its filters, revocation
// seen by the public verification, and tenant isolation.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { type PayingEnte, payingEnte } from '../payments/payments.test-support.ts';
import { pdfText } from '../payments/pdf-tools.test-support.ts';
import { seedPopulation } from '../registry/index.ts';
import { addChild } from '../registry/registry.test-support.ts';

const GIULIA = 'ZNTGLI84C52L736W';
const SOFIA = 'ZNTSFO12H65L736X';
const BASE = '/jesolo/backoffice/anagrafe';
const MARK = '01234567890123';
/** A valid fictitious fiscal code of someone outside Giulia's family (and the registry). */
const OUTSIDER = 'ZNRRLL58P54L407V';
/** The numeric fiscal code of a body (the Comune di Jesolo's own), paying for a child in its care. */
const BODY = '00608720272';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: PayingEnte;
let caorle: PayingEnte;
let clerk: Browser;
/** Giulia's son, ten years old whatever the date (the demo's people grow up; he never does). */
let child: string;

const count = async (where = sql`true`) =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from certificates where ${where}`.execute(database.db))
      .rows[0]!.n,
  );
const audits = async (action: string) =>
  Number(
    (
      await sql<{ n: string }>`select count(*) as n from audit_events
        where ente_id = ${jesolo.id} and action = ${action}`.execute(database.db)
    ).rows[0]!.n,
  );

/** The debtor of the pagoPA position behind the certificate at `location` (…/certificati/ID). */
const debtorOf = async (location: string) => {
  const id = location.split('/').pop()!;
  const row = (
    await sql<{ code: string; name: string }>`select p.debtor_fiscal_code as code, p.debtor_name as name
      from certificates c join payment_positions p on p.id = c.payment_position_id
      where c.id = ${id}`.execute(database.db)
  ).rows[0];
  return row ?? null;
};

async function staff(grant: { role: 'operator' | 'ente_admin'; enteId: string; areas?: string[] }) {
  const browser = new Browser(built.app);
  browser.cookies = await sessionAs(database, `staff-${grant.role}-${grant.areas?.join() ?? 'all'}`, [grant]);
  return browser;
}

/** Opens the counter on `cf` (for the form's token) and posts the issue form. */
async function issue(fields: Record<string, string>, cf = GIULIA) {
  await clerk.get(`${BASE}?cf=${cf}`);
  return clerk.post(`${BASE}/rilascio`, { cf, ...fields });
}

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database, { SANDBOX: 'true' });
  jesolo = await payingEnte(database, 'jesolo');
  caorle = await payingEnte(database, 'caorle', '02');
  await seedPopulation(database.db, { enteId: jesolo.id, istatCode: '027019', size: 30 });
  await seedPopulation(database.db, { enteId: caorle.id, istatCode: '027005', size: 10 });
  clerk = await staff({ role: 'operator', enteId: jesolo.id, areas: ['anagrafe'] });
  child = await addChild(database.db, { enteId: jesolo.id, parent: GIULIA, givenName: 'Luca', age: 10 });
}, 120_000);
afterAll(async () => {
  await built.app.close();
  await database.close();
});

describe('who may enter', () => {
  it('lets in the ente admin and anagrafe operators of this ente only', async () => {
    expect((await built.app.inject({ url: BASE })).statusCode).toBe(401);
    const payments = await staff({ role: 'operator', enteId: jesolo.id, areas: ['pagamenti'] });
    expect((await payments.get(BASE)).statusCode).toBe(403);
    const elsewhere = await staff({ role: 'operator', enteId: caorle.id, areas: ['anagrafe'] });
    expect((await elsewhere.get(BASE)).statusCode).toBe(403);
    const admin = await staff({ role: 'ente_admin', enteId: jesolo.id });
    expect((await admin.get(BASE)).statusCode).toBe(200);
    expect((await clerk.get(BASE)).statusCode).toBe(200);
  });
});

describe('finding a person', () => {
  it('shows the person, the family and the types, and audits the consultation', async () => {
    const before = await audits('registry.consult');
    const page = await clerk.get(`${BASE}?cf=${GIULIA.toLowerCase()}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-person="${GIULIA}"`);
    expect(page.body).toContain(`?cf=${SOFIA}`);
    expect(page.body).toContain('id="tipo-residenza"');
    expect(await audits('registry.consult')).toBe(before + 1);
  });

  it('answers a malformed fiscal code next to the field and an unknown one with a notice', async () => {
    const bad = await clerk.get(`${BASE}?cf=ABC`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="cf-error"');
    const unknown = await clerk.get(`${BASE}?cf=RSSMRA80A01H501U`);
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('Nessuna persona con questo codice fiscale');
    expect(unknown.body).not.toContain('/rilascio');
    // Pasted with stray spaces: found; one character too many is not cut down to a valid code.
    const pasted = await clerk.get(
      `${BASE}?cf=${encodeURIComponent(` ${SOFIA.slice(0, 8)} ${SOFIA.slice(8)} `)}`,
    );
    expect(pasted.body).toContain(`data-person="${SOFIA}"`);
    expect((await clerk.get(`${BASE}?cf=${SOFIA}X`)).statusCode).toBe(400);
    const empty = await clerk.get(`${BASE}?cf=`);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Inserisci il codice fiscale della persona da cercare.');
  });
});

describe('issuing at the counter', () => {
  it('issues an exempt certificate at once, by the operator, audited', async () => {
    const res = await issue({ tipo: 'residenza', bollo: 'esenzione', esenzione: 'PENSIONE' });
    expect(res.statusCode).toBe(303);
    const page = await clerk.get(res.headers.location as string);
    expect(page.body).toContain('data-status="issued"');
    const pdf = await clerk.get(`${res.headers.location}/pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(await pdfText(pdf.rawPayload)).toContain('Esente da imposta di bollo');
    const row = await sql<{ channel: string; operator_id: string | null }>`
      select channel, operator_id from certificates where id = ${String(res.headers.location).split('/').pop()}`.execute(
      database.db,
    );
    expect(row.rows[0]).toEqual({ channel: 'counter', operator_id: 'staff-operator-anagrafe' });
  });

  it('records a marca da bollo on the certificate, and never accepts the same one twice', async () => {
    const res = await issue({ tipo: 'stato_famiglia', bollo: 'contrassegno', contrassegno: MARK });
    expect(res.statusCode).toBe(303);
    const pdf = await clerk.get(`${res.headers.location}/pdf`);
    expect(await pdfText(pdf.rawPayload)).toContain(`contrassegno telematico n. ${MARK}`);
    const before = await count();
    const again = await issue({ tipo: 'residenza', bollo: 'contrassegno', contrassegno: MARK });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('id="contrassegno-error"');
    expect(await count()).toBe(before);
    // Nor in another comune of the installation: the number identifies one stamp nationally.
    const caorleClerk = await staff({ role: 'operator', enteId: caorle.id, areas: ['anagrafe'] });
    const someone = (
      await sql<{ fiscal_code: string }>`select fiscal_code from registry_persons
        where ente_id = ${caorle.id} and death_date is null and aire = false limit 1`.execute(database.db)
    ).rows[0]!.fiscal_code;
    await caorleClerk.get(`/caorle/backoffice/anagrafe?cf=${someone}`);
    const elsewhere = await caorleClerk.post('/caorle/backoffice/anagrafe/rilascio', {
      cf: someone,
      tipo: 'esistenza_in_vita',
      bollo: 'contrassegno',
      contrassegno: MARK,
    });
    expect(elsewhere.statusCode).toBe(409);
    expect(await count()).toBe(before);
  });

  it('prints a pagoPA notice for the €16 and waits for the payment', async () => {
    const res = await issue({ tipo: 'cittadinanza', bollo: 'pagopa' });
    expect(res.statusCode).toBe(303);
    expect(await debtorOf(res.headers.location as string)).toEqual({ code: GIULIA, name: 'Giulia Zanetti' });
    const page = await clerk.get(res.headers.location as string);
    expect(page.body).toContain('data-status="awaiting_payment"');
    const notice = await clerk.get(`${res.headers.location}/avviso`);
    expect(notice.statusCode).toBe(200);
    expect(notice.headers['content-type']).toBe('application/pdf');
    expect((await clerk.get(`${res.headers.location}/pdf`)).statusCode).toBe(404);
  });

  it('names on a minor’s notice the parent or another payer, never a child', async () => {
    const before = await count();
    const form = await clerk.get(`${BASE}?cf=${child}`);
    expect(form.body).toContain('La persona è minorenne: indica chi paga');
    const alone = await issue({ tipo: 'cittadinanza', bollo: 'pagopa' }, child);
    expect(alone.statusCode).toBe(422);
    expect(alone.body).toContain('id="pagatore-error"');
    expect(alone.body).toContain("dev'essere maggiorenne");
    // The child, or another minor of the family, cannot be the payer either.
    const itself = await issue({ tipo: 'cittadinanza', bollo: 'pagopa', pagatore: child }, child);
    expect(itself.statusCode).toBe(422);
    expect(itself.body).toContain('id="pagatore-error"');
    const badCode = await issue(
      { tipo: 'cittadinanza', bollo: 'pagopa', pagatore: 'ZNTGLI84C52L736A' },
      child,
    );
    expect(badCode.statusCode).toBe(400);
    expect(badCode.body).toContain('id="pagatore-error"');
    // Someone outside the family: the name is needed, and kept in the form when missing.
    const unnamed = await issue({ tipo: 'cittadinanza', bollo: 'pagopa', pagatore: OUTSIDER }, child);
    expect(unnamed.statusCode).toBe(422);
    expect(unnamed.body).toContain('id="pagatore_nome-error"');
    expect(unnamed.body).toContain(`value="${OUTSIDER}"`);
    // A name alone names nobody: the code is asked for, not the subject silently put on the notice.
    const nameOnly = await issue({ tipo: 'residenza', bollo: 'pagopa', pagatore_nome: 'Ornella Zanardo' });
    expect(nameOnly.statusCode).toBe(400);
    expect(nameOnly.body).toContain('il nome da solo non basta');
    const long = await issue(
      { tipo: 'cittadinanza', bollo: 'pagopa', pagatore: OUTSIDER, pagatore_nome: 'x'.repeat(141) },
      child,
    );
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('id="pagatore_nome-error"');
    expect(await count()).toBe(before);

    // The mother, by her fiscal code typed with spaces: the registry's name, whatever else was typed.
    const mother = await issue(
      {
        tipo: 'cittadinanza',
        bollo: 'pagopa',
        pagatore: `${GIULIA.slice(0, 6)} ${GIULIA.slice(6).toLowerCase()}`,
        pagatore_nome: 'G. Z.',
      },
      child,
    );
    expect(mother.statusCode).toBe(303);
    const here = mother.headers.location as string;
    expect(await debtorOf(here)).toEqual({ code: GIULIA, name: 'Giulia Zanetti' });
    const notice = await pdfText((await clerk.get(`${here}/avviso`)).rawPayload);
    expect(notice).toContain(GIULIA);
    expect(notice).not.toContain(child);

    // Someone outside the family, the name pasted over two lines; and a body (a numeric fiscal code).
    const grandmother = await issue(
      { tipo: 'cittadinanza', bollo: 'pagopa', pagatore: OUTSIDER, pagatore_nome: ' Ornella\r\n Zanardo ' },
      child,
    );
    expect(grandmother.statusCode).toBe(303);
    const location = grandmother.headers.location as string;
    expect(await debtorOf(location)).toEqual({ code: OUTSIDER, name: 'Ornella Zanardo' });
    const event = await sql<{ content: { payer?: string } }>`select content from audit_events
      where ente_id = ${jesolo.id} and action = 'certificate.request' and target_id = ${location.split('/').pop()}`.execute(
      database.db,
    );
    expect(event.rows[0]!.content.payer).toBe(OUTSIDER);
    const body = await issue(
      {
        tipo: 'cittadinanza',
        bollo: 'pagopa',
        pagatore: BODY,
        pagatore_nome: 'Comune di Jesolo – Servizi sociali',
      },
      child,
    );
    expect(body.statusCode).toBe(303);
    expect(await debtorOf(body.headers.location as string)).toEqual({
      code: BODY,
      name: 'Comune di Jesolo – Servizi sociali',
    });
    // Exempt: nobody pays, so nobody is asked.
    const exempt = await issue({ tipo: 'cittadinanza', bollo: 'esenzione', esenzione: 'PENSIONE' }, child);
    expect(exempt.statusCode).toBe(303);
  });

  it('answers bad fields next to them and writes nothing', async () => {
    const before = await count();
    expect((await issue({ tipo: 'inventato', bollo: 'pagopa' })).statusCode).toBe(400);
    const noMark = await issue({ tipo: 'residenza', bollo: 'contrassegno', contrassegno: '123' });
    expect(noMark.statusCode).toBe(400);
    expect(noMark.body).toContain('id="contrassegno-error"');
    const noReason = await issue({ tipo: 'residenza', bollo: 'esenzione', esenzione: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('id="esenzione-error"');
    expect((await issue({ tipo: 'residenza', bollo: 'gratis' })).statusCode).toBe(400);
    const aire = await issue({ tipo: 'residenza_aire', bollo: 'pagopa' });
    expect(aire.statusCode).toBe(422);
    expect(await count()).toBe(before);
  });
});

describe('a comune without pagoPA settings', () => {
  it('offers the marca da bollo and the exemption, not a notice it cannot create', async () => {
    const { id, slug } = (
      await sql<{ id: string; slug: string }>`select id, slug from enti where istat_code = '027012'`.execute(
        database.db,
      )
    ).rows[0]!;
    await seedPopulation(database.db, { enteId: id, istatCode: '027012', size: 5 });
    const person = (
      await sql<{ cf: string }>`select fiscal_code as cf from registry_persons
        where ente_id = ${id} and death_date is null order by birth_date limit 1`.execute(database.db)
    ).rows[0]!.cf;
    const office = await staff({ role: 'operator', enteId: id, areas: ['anagrafe'] });
    const page = await office.get(`/${slug}/backoffice/anagrafe?cf=${person}`);
    expect(page.statusCode).toBe(200);
    const radio = (kind: string) => page.body.match(new RegExp(`<input[^>]*id="bollo-${kind}"[^>]*>`))?.[0];
    expect(radio('pagopa')).toContain('disabled');
    expect(radio('pagopa')).toContain('aria-describedby="bollo-pagopa-why"');
    expect(radio('contrassegno')).toMatch(/checked/);
    expect(page.body).toContain('non ha ancora configurato i pagamenti pagoPA');
    expect(page.body).not.toContain('id="pagatore"');
    // A form posted anyway with pagoPA (an old page): the reason next to the field, nothing written.
    const before = await count(sql`ente_id = ${id}`);
    const res = await office.post(`/${slug}/backoffice/anagrafe/rilascio`, {
      cf: person,
      tipo: 'esistenza_in_vita',
      bollo: 'pagopa',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('id="bollo-error"');
    expect(res.body).toContain('href="#bollo-contrassegno"');
    expect(await count(sql`ente_id = ${id}`)).toBe(before);
  });
});

describe('the office list, revocation and isolation', () => {
  it('lists and filters the ente’s certificates', async () => {
    const all = await clerk.get(`${BASE}/certificati`);
    expect(all.statusCode).toBe(200);
    const total = await count(sql`ente_id = ${jesolo.id}`);
    expect(all.body).toContain(`Certificati trovati: ${total}`);
    // The child's three notices, paid by the mother, the grandmother and the social services.
    const pending = await clerk.get(`${BASE}/certificati?stato=awaiting_payment&cf=${child}`);
    expect(pending.body).toContain('Certificati trovati: 3');
  });

  it('revokes with a reason, which the public verification then shows', async () => {
    const res = await issue({ tipo: 'esistenza_in_vita', bollo: 'esenzione', esenzione: 'PENSIONE' });
    const here = res.headers.location as string;
    await clerk.get(here);
    const short = await clerk.post(`${here}/revoca`, { motivo: 'no', conferma: '1' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('id="motivo-error"');
    // Not confirmed: nothing revoked, the reason kept in the form.
    await clerk.get(here);
    const unconfirmed = await clerk.post(`${here}/revoca`, { motivo: 'Rilasciato per errore di persona' });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('id="conferma-error"');
    expect(unconfirmed.body).toContain('value="Rilasciato per errore di persona"');
    await clerk.get(here);
    expect(
      (await clerk.post(`${here}/revoca`, { motivo: 'Rilasciato per errore di persona', conferma: '1' }))
        .statusCode,
    ).toBe(303);
    const row = (
      await sql<{ number: string; verification_code: string; status: string }>`
        select number, verification_code, status from certificates where id = ${here.split('/').pop()}`.execute(
        database.db,
      )
    ).rows[0]!;
    expect(row.status).toBe('revoked');
    const verdict = await built.app.inject({ url: `/verifica/${row.number}?c=${row.verification_code}` });
    expect(verdict.body).toContain('Rilasciato per errore di persona');
    await clerk.get(here);
    expect(
      (await clerk.post(`${here}/revoca`, { motivo: 'Ancora una volta', conferma: '1' })).statusCode,
    ).toBe(409);
    expect(await audits('certificate.revoke')).toBe(1);
  });

  it('never shows a certificate of one ente under another', async () => {
    const id = (
      await sql<{ id: string }>`select id from certificates where ente_id = ${jesolo.id} limit 1`.execute(
        database.db,
      )
    ).rows[0]!.id;
    const caorleClerk = await staff({ role: 'operator', enteId: caorle.id, areas: ['anagrafe'] });
    expect((await caorleClerk.get(`/caorle/backoffice/anagrafe/certificati/${id}`)).statusCode).toBe(404);
    expect((await caorleClerk.get(`/caorle/backoffice/anagrafe/certificati/${id}/pdf`)).statusCode).toBe(404);
    expect((await caorleClerk.get('/caorle/backoffice/anagrafe/certificati')).body).toContain(
      'Certificati trovati: 0',
    );
    // A Jesolo person is not in Caorle's registry.
    expect((await caorleClerk.get(`/caorle/backoffice/anagrafe?cf=${GIULIA}`)).body).toContain(
      'Nessuna persona con questo codice fiscale',
    );
  });
});
