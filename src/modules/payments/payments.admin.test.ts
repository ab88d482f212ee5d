// The ente admin's payments page: who may open it, the settings form (field errors, the GPD key sealed
// and never shown), the catalogue (add, edit, deactivate), CSRF and audit.
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
import { unseal } from '../../platform/seal.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { demoIban } from './payments.seed.ts';
import { findItem, paymentSettings } from './payments.settings.ts';
import { count, create, inDays, newPosition } from './payments.test-support.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let mirano: string;
let jesolo: string;
let browser: Browser;
const PAGE = '/mirano/admin/pagamenti';

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  mirano = await enteId(database, 'mirano');
  jesolo = await enteId(database, 'jesolo');
  browser = new Browser(built.app);
  browser.cookies = await sessionAs(database, 'admin-mirano', [{ role: 'ente_admin', enteId: mirano }]);
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

const settingsForm = {
  creditorFiscalCode: '',
  segregationCode: '05',
  iban: demoIban('027024').replace(/(.{4})/g, '$1 '),
  postalAccount: '1234567',
  cbill: 'abc12',
  gpdKey: 'gpd-subscription-key-of-mirano',
};

describe('/{slug}/admin/pagamenti', () => {
  it('lets in only the ente admin of this ente or an admin of its SAD', async () => {
    expect((await built.app.inject({ url: PAGE })).statusCode).toBe(401);
    const other = await sessionAs(database, 'admin-jesolo', [{ role: 'ente_admin', enteId: jesolo }]);
    expect((await built.app.inject({ url: PAGE, cookies: other })).statusCode).toBe(403);
    const operator = await sessionAs(database, 'op-mirano', [{ role: 'operator', enteId: mirano }]);
    expect((await built.app.inject({ url: PAGE, cookies: operator })).statusCode).toBe(403);
    const sadId = (
      await sql<{ sad_id: string }>`select sad_id from enti where id = ${mirano}`.execute(database.db)
    ).rows[0]!.sad_id;
    const sad = await sessionAs(database, 'admin-sad', [{ role: 'sad_admin', enteId: sadId }]);
    expect((await built.app.inject({ url: PAGE, cookies: sad })).statusCode).toBe(200);
    const page = await browser.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-payments-unconfigured');
  });

  it('names each bad field and saves nothing', async () => {
    await browser.get(PAGE);
    const res = await browser.post(PAGE, {
      creditorFiscalCode: '123',
      segregationCode: '5',
      iban: 'IT00X',
      gpdKey: '',
    });
    expect(res.statusCode).toBe(400);
    for (const field of ['creditorFiscalCode', 'segregationCode', 'iban', 'gpdKey']) {
      expect(res.body).toContain(`id="${field}-error"`);
      expect(res.body).toContain(`href="#${field}"`);
    }
    expect(await paymentSettings(database.db, mirano)).toBeUndefined();
  });

  it('saves the settings, seals the key, never shows it again, and audits without it', async () => {
    await browser.get(PAGE);
    const form = {
      ...settingsForm,
      creditorFiscalCode: (
        await sql<{ f: string }>`select fiscal_code as f from enti where id = ${mirano}`.execute(database.db)
      ).rows[0]!.f,
    };
    const res = await browser.post(PAGE, form);
    expect(res.statusCode).toBe(303);
    const saved = (await paymentSettings(database.db, mirano))!;
    expect(saved).toMatchObject({
      segregationCode: '05',
      iban: demoIban('027024'),
      postalAccount: '000001234567',
      cbill: 'ABC12',
      hasGpdKey: true,
    });
    const stored = (
      await sql<{ k: string }>`select gpd_key as k from payment_settings where ente_id = ${mirano}`.execute(
        database.db,
      )
    ).rows[0]!.k;
    expect(stored).toMatch(/^v1\./);
    expect(unseal(stored, await platformSecret(database.db, 'seal'))).toBe(settingsForm.gpdKey);
    const page = await browser.get(`${PAGE}?salvato=1`);
    expect(page.body).not.toContain(settingsForm.gpdKey);
    expect(page.body).toContain('lascia vuoto');
    const audit = await sql<{ content: Record<string, unknown> }>`
      select content from audit_events where ente_id = ${mirano} and action = 'payment.settings.create'`.execute(
      database.db,
    );
    expect(audit.rows).toHaveLength(1);
    expect(JSON.stringify(audit.rows[0]!.content)).not.toContain(settingsForm.gpdKey);

    // An empty key keeps the stored one.
    await browser.post(PAGE, { ...form, segregationCode: '06', gpdKey: '' });
    const kept = (
      await sql<{ k: string }>`select gpd_key as k from payment_settings where ente_id = ${mirano}`.execute(
        database.db,
      )
    ).rows[0]!.k;
    expect(kept).toBe(stored);
    expect((await paymentSettings(database.db, mirano))!.segregationCode).toBe('06');

    // The pagoPA intermediary (here Jesolo's fiscal code standing in for a SAD's) and its station.
    const intermediary = '00339370272';
    const wrongStation = await browser.post(PAGE, {
      ...form,
      gpdKey: '',
      intermediaryFiscalCode: intermediary,
      stationId: `${form.creditorFiscalCode}_01`,
    });
    expect(wrongStation.statusCode).toBe(400);
    expect(wrongStation.body).toContain('id="stationId-error"');
    const withStation = {
      ...form,
      gpdKey: '',
      intermediaryFiscalCode: intermediary,
      stationId: `${intermediary}_01`,
    };
    expect((await browser.post(PAGE, withStation)).statusCode).toBe(303);
    expect(await paymentSettings(database.db, mirano)).toMatchObject({
      intermediaryFiscalCode: intermediary,
      stationId: `${intermediary}_01`,
    });
  });

  it("refuses another ente's creditor fiscal code next to the field", async () => {
    await browser.get(PAGE);
    const jesoloCode = (
      await sql<{ f: string }>`select fiscal_code as f from enti where id = ${jesolo}`.execute(database.db)
    ).rows[0]!.f;
    const other = await sessionAs(database, 'admin-jesolo', [{ role: 'ente_admin', enteId: jesolo }]);
    const jesoloBrowser = new Browser(built.app);
    jesoloBrowser.cookies = other;
    await jesoloBrowser.get('/jesolo/admin/pagamenti');
    expect(
      (
        await jesoloBrowser.post('/jesolo/admin/pagamenti', {
          ...settingsForm,
          creditorFiscalCode: jesoloCode,
        })
      ).statusCode,
    ).toBe(303);
    const res = await browser.post(PAGE, { ...settingsForm, creditorFiscalCode: jesoloCode });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('id="creditorFiscalCode-error"');
  });

  it('keeps the creditor fiscal code once debt positions exist', async () => {
    const jesoloCode = (
      await sql<{ f: string }>`select fiscal_code as f from enti where id = ${jesolo}`.execute(database.db)
    ).rows[0]!.f;
    const admin = new Browser(built.app);
    admin.cookies = await sessionAs(database, 'admin-jesolo-2', [{ role: 'ente_admin', enteId: jesolo }]);
    await admin.get('/jesolo/admin/pagamenti');
    const form = { ...settingsForm, creditorFiscalCode: jesoloCode, gpdKey: '' };
    expect((await admin.post('/jesolo/admin/pagamenti', form)).statusCode).toBe(303);
    await create(
      database.db,
      newPosition(jesolo, {
        itemCode: undefined,
        options: [
          { amountCents: 500, dueDate: inDays(5), transfers: [{ amountCents: 500, taxonomy: '0101107SP' }] },
        ],
      }),
    );
    const changed = await admin.post('/jesolo/admin/pagamenti', {
      ...form,
      creditorFiscalCode: '80006890265',
    });
    expect(changed.statusCode).toBe(409);
    expect(changed.body).toContain('id="creditorFiscalCode-error"');
    expect((await paymentSettings(database.db, jesolo))!.creditorFiscalCode).toBe(jesoloCode);
  });

  it('adds, edits, deactivates and reactivates catalogue items', async () => {
    await browser.get(`${PAGE}/voci/nuova`);
    const bad = await browser.post(`${PAGE}/voci`, {
      code: 'x',
      label: '',
      kind: 'gift',
      amount: 'tanti',
      taxonomy: '12',
    });
    expect(bad.statusCode).toBe(400);
    for (const field of ['code', 'label', 'kind', 'amount', 'taxonomy'])
      expect(bad.body).toContain(`id="${field}-error"`);

    const item = {
      code: 'mensa-2027',
      label: 'Mensa scolastica',
      kind: 'school_canteen',
      amount: '4,50',
      taxonomy: '0102102SP',
      active: '1',
    };
    expect((await browser.post(`${PAGE}/voci`, item)).statusCode).toBe(303);
    expect(await findItem(database.db, mirano, 'MENSA-2027')).toEqual({
      code: 'MENSA-2027',
      label: 'Mensa scolastica',
      kind: 'school_canteen',
      defaultAmountCents: 450,
      taxonomy: '0102102SP',
      active: true,
    });
    await browser.get(`${PAGE}/voci/nuova`);
    const twice = await browser.post(`${PAGE}/voci`, item);
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('id="code-error"');

    const edit = await browser.get(`${PAGE}/voci/MENSA-2027`);
    expect(edit.body).toContain('value="4,50"');
    await browser.post(`${PAGE}/voci/MENSA-2027`, { ...item, amount: '1.250,00', active: '1' });
    expect((await findItem(database.db, mirano, 'MENSA-2027'))!.defaultAmountCents).toBe(125_000);

    const list = await browser.get(PAGE);
    expect(list.body).toContain('data-item="MENSA-2027"');
    await browser.post(`${PAGE}/voci/MENSA-2027/stato`, { active: '0' });
    expect((await findItem(database.db, mirano, 'MENSA-2027'))!.active).toBe(false);
    await browser.get(PAGE);
    await browser.post(`${PAGE}/voci/MENSA-2027/stato`, { active: '1' });
    expect((await findItem(database.db, mirano, 'MENSA-2027'))!.active).toBe(true);
    expect(
      await count(database.db, 'audit_events', {
        ente_id: mirano,
        action: 'payment.item.update',
        target_id: 'MENSA-2027',
      }),
    ).toBe(3);
    expect((await browser.get(`${PAGE}/voci/NESSUNA`)).statusCode).toBe(404);
  });

  it('refuses a form posted without the CSRF token', async () => {
    const res = await built.app.inject({
      method: 'POST',
      url: `${PAGE}/voci`,
      cookies: browser.cookies,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'code=ALTRO&label=Altro&kind=other&taxonomy=0101101IM',
    });
    expect(res.statusCode).toBe(403);
    expect(await findItem(database.db, mirano, 'ALTRO')).toBeUndefined();
  });
});
