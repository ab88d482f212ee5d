// The ente admin's certificate settings page over HTTP: who may open it, the seal upload (field errors
// for a wrong passphrase, an expired certificate, a file that is not PKCS#12, a missing passphrase, with
// nothing stored; then a configured seal shown with its details, a certificate sealed before it still
// "valido" on /verifica), the expiry warning, the stamp-duty authorisation, the coat of arms, CSRF,
// audit and tenant isolation. Synthetic seals from a test CA only.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  enteId,
  sessionAs,
  type TestDatabase,
  testApp,
  testDatabase,
} from '../../../test/support.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { multipartBody } from '../payments/payments.pages.test-support.ts';
import { emblemPng } from '../payments/pdf-tools.test-support.ts';
import { localRegistry, seedPopulation } from '../registry/index.ts';
import { days, variantSeal } from './certificate-settings.test-support.ts';
import { findCertificate, requestCertificate } from './certificates.service.ts';
import { createTestCa, issueTestSeal } from './seal/test-ca.ts';

const PAGE = '/jesolo/admin/certificati';
const GIULIA = 'ZNTGLI84C52L736W';
const PASS = 'passphrase-di-prova';
const qtsp = createTestCa('Prova QTSP');
const seal = issueTestSeal(qtsp, { enteName: 'Comune di Jesolo', vatNumber: '00608720272' }, PASS);

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: string;
let mirano: string;
let admin: Browser;

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const count = async (table: string, enteId: string) =>
  Number(
    (
      await sql<{
        n: string;
      }>`select count(*) as n from ${sql.table(table)} where ente_id = ${enteId}`.execute(database.db)
    ).rows[0]!.n,
  );

/** Posts a multipart form with one file the way the page's form does (the CSRF token of the last page). */
async function upload(
  browser: Browser,
  action: string,
  file: { field: string; content: Buffer } | null,
  fields: Record<string, string> = {},
  withToken = true,
) {
  const body = multipartBody(
    { ...(withToken ? { _csrf: browser.csrf! } : {}), ...fields },
    file && { ...file, name: 'file.bin', type: 'application/octet-stream' },
  );
  return built.app.inject({
    method: 'POST',
    url: action,
    cookies: browser.cookies,
    headers: { 'content-type': body.contentType },
    payload: body.payload,
  });
}

const issue = async () => {
  const issued = await requestCertificate(
    {
      db: database.db,
      sealKey: await platformSecret(database.db, 'seal'),
      sandbox: true,
      registry: localRegistry(database.db),
      publicUrl: 'http://localhost:3000',
    },
    {
      enteId: jesolo,
      requester: { kind: 'citizen', userId: 'spid:giulia', fiscalCode: GIULIA },
      subjectFiscalCode: GIULIA,
      type: 'residenza',
      exemptionCode: 'PENSIONE',
      channel: 'online',
    },
  );
  return (await findCertificate(database.db, jesolo, issued.id))!.pdf!;
};

const verifyOnline = async (pdf: Buffer) => {
  const visitor = new Browser(built.app);
  await visitor.get('/verifica');
  return text((await upload(visitor, '/verifica', { field: 'file', content: pdf })).body);
};

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database, { SANDBOX: 'true' });
  jesolo = await enteId(database, 'jesolo');
  mirano = await enteId(database, 'mirano');
  await seedPopulation(database.db, { enteId: jesolo, istatCode: '027019', size: 10 });
  admin = new Browser(built.app);
  admin.cookies = await sessionAs(database, 'admin-jesolo', [{ role: 'ente_admin', enteId: jesolo }]);
}, 120_000);
afterAll(async () => {
  await built.app.close();
  await database.close();
});

describe('/{slug}/admin/certificati', () => {
  it('lets in only the ente admin of this ente or an admin of its SAD', async () => {
    const anonymous = await built.app.inject({ url: PAGE });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).toContain(`href="/accedi?next=${encodeURIComponent(PAGE)}"`);
    const other = await sessionAs(database, 'admin-mirano', [{ role: 'ente_admin', enteId: mirano }]);
    expect((await built.app.inject({ url: PAGE, cookies: other })).statusCode).toBe(403);
    const operator = await sessionAs(database, 'op-jesolo', [{ role: 'operator', enteId: jesolo }]);
    expect((await built.app.inject({ url: PAGE, cookies: operator })).statusCode).toBe(403);
    const sadId = (
      await sql<{ s: string }>`select sad_id as s from enti where id = ${jesolo}`.execute(database.db)
    ).rows[0]!.s;
    const sad = await sessionAs(database, 'admin-sad', [{ role: 'sad_admin', enteId: sadId }]);
    expect((await built.app.inject({ url: PAGE, cookies: sad })).statusCode).toBe(200);
    const page = await admin.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-seal-none');
    expect(page.body).toContain('enctype="multipart/form-data"');
  });

  it('answers a bad seal file next to its field and stores nothing', async () => {
    const expired = variantSeal(qtsp, seal, PASS, { notBefore: days(-900), notAfter: days(-2) });
    const cases: [Buffer, string, string, string][] = [
      [seal.p12, 'sbagliata', 'passphrase', 'La password non apre il file'],
      [seal.p12, '', 'passphrase', 'Compila questo campo'],
      [Buffer.from('questo non è un PKCS#12'), PASS, 'p12', 'non è un PKCS#12'],
      [expired.p12, PASS, 'p12', 'è scaduto'],
    ];
    for (const [content, passphrase, field, message] of cases) {
      await admin.get(PAGE);
      const res = await upload(admin, `${PAGE}/sigillo`, { field: 'p12', content }, { passphrase });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`id="${field}-error"`);
      expect(res.body).toContain(`href="#${field}"`);
      expect(text(res.body)).toContain(message);
      if (passphrase) expect(res.body).not.toContain(passphrase);
    }
    expect(await count('certificate_seals', jesolo)).toBe(0);
    expect(await count('certificate_seal_history', jesolo)).toBe(0);
  }, 60_000);

  it('refuses an upload without the CSRF token', async () => {
    await admin.get(PAGE);
    const res = await upload(
      admin,
      `${PAGE}/sigillo`,
      { field: 'p12', content: seal.p12 },
      { passphrase: PASS },
      false,
    );
    expect(res.statusCode).toBe(403);
    expect(await count('certificate_seals', jesolo)).toBe(0);
  });

  it('puts the uploaded seal in use, shows it, audits it; earlier certificates stay valid', async () => {
    const before = await issue();
    await admin.get(PAGE);
    const res = await upload(
      admin,
      `${PAGE}/sigillo`,
      { field: 'p12', content: seal.p12 },
      { passphrase: PASS },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PAGE}?salvato=sigillo`);
    const page = await admin.get(`${PAGE}?salvato=sigillo`);
    const body = text(page.body);
    expect(page.body).toContain('data-seal-current="configured"');
    expect(body).toContain('Il nuovo sigillo elettronico è in uso');
    expect(body).toContain('TEST sigillo elettronico Comune di Jesolo');
    expect(body).toContain('VATIT-00608720272');
    expect(body).toContain('Prova QTSP TEST CA per sigilli elettronici');
    expect(body).toMatch(/Impronta SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(page.body).not.toContain('data-seal-expiring');
    expect(page.body.match(/data-seal-history=/g)).toHaveLength(2);
    expect(page.body).not.toContain(PASS);
    const audit = await sql<{ actor: string }>`select actor from audit_events
      where ente_id = ${jesolo} and action = 'certificate.seal.configure'`.execute(database.db);
    expect(audit.rows.map((r) => r.actor)).toEqual(['admin-jesolo']);

    const after = await issue();
    expect(await verifyOnline(before)).toContain('Certificato valido');
    expect(await verifyOnline(after)).toContain('Certificato valido');
    // Mirano's admin sees none of it.
    const other = new Browser(built.app);
    other.cookies = await sessionAs(database, 'admin-mirano', [{ role: 'ente_admin', enteId: mirano }]);
    expect((await other.get('/mirano/admin/certificati')).body).toContain('data-seal-none');
  }, 60_000);

  it('warns when the seal expires within 30 days', async () => {
    const soon = variantSeal(qtsp, seal, PASS, { notAfter: days(10) });
    await admin.get(PAGE);
    const res = await upload(
      admin,
      `${PAGE}/sigillo`,
      { field: 'p12', content: soon.p12 },
      { passphrase: PASS },
    );
    expect(res.statusCode).toBe(303);
    const page = await admin.get(PAGE);
    expect(page.body).toContain('data-seal-expiring');
    expect(text(page.body)).toMatch(/scade tra (9|10) giorni/);
  }, 60_000);

  it('saves the stamp-duty authorisation, with errors next to bad fields, and removes it', async () => {
    await admin.get(PAGE);
    const bad = await admin.post(`${PAGE}/bollo`, { office: '', number: '#?', date: '2999-01-01' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['office', 'number', 'date']) expect(bad.body).toContain(`id="${field}-error"`);
    expect(bad.body).toContain('value="#?"');
    const ok = await admin.post(`${PAGE}/bollo`, {
      office: 'Venezia 1',
      number: '2019/1234',
      date: '2019-03-15',
    });
    expect(ok.statusCode).toBe(303);
    const page = await admin.get(`${PAGE}?salvato=bollo`);
    expect(text(page.body)).toContain(
      'Autorizzazione Agenzia delle Entrate, Ufficio di Venezia 1, n. 2019/1234 del 15/03/2019',
    );
    expect((await admin.post(`${PAGE}/bollo/rimuovi`)).statusCode).toBe(303);
    expect((await admin.get(PAGE)).body).toContain('data-stamp-none');
  });

  it('uploads, shows and removes the coat of arms, for this ente only', async () => {
    await admin.get(PAGE);
    const junk = await upload(admin, `${PAGE}/stemma`, {
      field: 'emblem',
      content: Buffer.from('GIF89a junk'),
    });
    expect(junk.statusCode).toBe(400);
    expect(junk.body).toContain('id="emblem-error"');
    const png = emblemPng(64, 80);
    await admin.get(PAGE);
    expect((await upload(admin, `${PAGE}/stemma`, { field: 'emblem', content: png })).statusCode).toBe(303);
    const page = await admin.get(PAGE);
    expect(page.body).toContain('alt="Stemma del Comune di Jesolo"');
    const image = await built.app.inject({ url: `${PAGE}/stemma`, cookies: admin.cookies });
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.rawPayload.equals(png)).toBe(true);
    const other = await sessionAs(database, 'admin-mirano', [{ role: 'ente_admin', enteId: mirano }]);
    expect((await built.app.inject({ url: `${PAGE}/stemma`, cookies: other })).statusCode).toBe(403);
    expect((await admin.post(`${PAGE}/stemma/rimuovi`)).statusCode).toBe(303);
    expect((await admin.get(PAGE)).body).toContain('data-emblem-none');
    expect(await count('certificate_settings', mirano)).toBe(0);
  });
});
