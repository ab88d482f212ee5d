// "Paga con pagoPA" end to end against the pagoPA sandbox, over real HTTP on loopback: the position is
// published on GPD by its job, the citizen's POST opens a Checkout cart and is sent there (303), pays on
// the sandbox's checkout page, comes back to the result page ("in corso di conferma" until the receipt
// is delivered by its job, then "Pagato" with the receipt); cancelling comes back as cancelled; with
// Checkout unreachable the citizen gets a clear message, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/free-port.ts';
import { Browser, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { citizenSession } from './payments.pages.test-support.ts';
import type { CreatedDebtPosition } from './payments.service.ts';
import { getDebtPosition } from './payments.service.ts';
import { saveSettings } from './payments.settings.ts';
import { CITIZEN, create, newPosition, type PayingEnte, payingEnte } from './payments.test-support.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let offline: Awaited<ReturnType<typeof testApp>>;
let publicUrl: string;
let jesolo: PayingEnte;
const LIST = '/jesolo/area-personale/pagamenti';

beforeAll(async () => {
  database = await testDatabase();
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  built = await testApp(database, { PUBLIC_URL: publicUrl });
  await built.app.listen({ host: '127.0.0.1', port });
  // The same installation with Checkout's address pointing where nothing listens.
  offline = await testApp(database, {
    PUBLIC_URL: publicUrl,
    PAGOPA_CHECKOUT_URL: `http://127.0.0.1:${await freePort()}`,
  });
  jesolo = await payingEnte(database, 'jesolo');
  // The sandbox takes one subscription key, and the app unseals it with the installation's seal secret.
  await saveSettings(database.db, await platformSecret(database.db, 'seal'), { subject: 'test' }, jesolo.id, {
    creditorFiscalCode: jesolo.creditorFiscalCode,
    segregationCode: jesolo.segregationCode,
    iban: jesolo.iban,
    postalAccount: '',
    cbill: '',
    gpdKey: await platformSecret(database.db, 'sandbox-pagopa-subscription'),
  });
});
afterAll(async () => {
  await offline.app.close();
  await built.app.close();
  await database.close();
});

/** Runs the job worker until nothing is due (GPD publication, receipt delivery…). */
async function drainJobs() {
  for (let i = 0; i < 20 && (await built.worker.runOnce()) > 0; i++);
}

async function publishedPosition(): Promise<CreatedDebtPosition> {
  const created = await create(database.db, newPosition(jesolo.id));
  await drainJobs();
  expect((await getDebtPosition(database.db, jesolo.id, created.positionId))!.gpd.state).toBe('published');
  return created;
}

async function citizen() {
  const browser = new Browser(built.app);
  browser.cookies = await citizenSession(database, CITIZEN.fiscalCode);
  return browser;
}

describe('Paga con pagoPA', () => {
  it('opens a cart, pays in the sandbox checkout and comes back to "Pagato" with the receipt', async () => {
    const { positionId, options } = await publishedPosition();
    const browser = await citizen();
    const page = await browser.get(`${LIST}/${positionId}`);
    expect(page.body).toContain('Paga con pagoPA');
    const started = await browser.post(`${LIST}/${positionId}/paga`, { iuv: options[0]!.iuv });
    expect(started.statusCode).toBe(303);
    const checkoutUrl = new URL(started.headers.location as string);
    expect(checkoutUrl.origin).toBe(publicUrl);
    expect(checkoutUrl.pathname).toMatch(/^\/sandbox\/pagopa\//);

    const checkout = await browser.get(checkoutUrl.pathname);
    expect(checkout.statusCode).toBe(200);
    expect(checkout.body).toContain('16,00');
    const paid = await browser.post(checkoutUrl.pathname, { choice: 'pay' });
    expect(paid.statusCode).toBe(303);
    const back = new URL(paid.headers.location as string);
    expect(back.pathname).toBe(`${LIST}/${positionId}/esito`);
    expect(back.searchParams.get('esito')).toBe('ok');

    // The receipt reaches the platform through the sandbox's delivery job: until then, "in conferma".
    const waiting = await browser.get(`${back.pathname}${back.search}`);
    expect(waiting.statusCode).toBe(200);
    expect(waiting.body).toContain('Pagamento in corso di conferma');
    expect(waiting.body).toContain('data-reload');
    expect(waiting.body).not.toContain('http-equiv="refresh"');

    await drainJobs();
    const done = await browser.get(`${back.pathname}${back.search}`);
    expect(done.body).toContain('Pagamento eseguito');
    expect(done.body).toContain('Pagato');
    const receipt = await browser.get(`${LIST}/${positionId}/ricevute/${options[0]!.iuv}`);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    // Paid: nothing more to pay.
    expect((await browser.get(`${LIST}/${positionId}`)).body).not.toContain('/paga"');
    expect((await browser.post(`${LIST}/${positionId}/paga`, { iuv: options[0]!.iuv })).statusCode).toBe(409);
  });

  it('comes back as cancelled when the citizen abandons the checkout', async () => {
    const { positionId, options } = await publishedPosition();
    const browser = await citizen();
    await browser.get(`${LIST}/${positionId}`);
    const started = await browser.post(`${LIST}/${positionId}/paga`, { iuv: options[0]!.iuv });
    const path = new URL(started.headers.location as string).pathname;
    await browser.get(path);
    const cancelled = await browser.post(path, { choice: 'cancel' });
    const back = new URL(cancelled.headers.location as string);
    expect(back.searchParams.get('esito')).toBe('annullato');
    const page = await browser.get(`${back.pathname}${back.search}`);
    expect(page.body).toContain('Pagamento annullato');
    expect((await getDebtPosition(database.db, jesolo.id, positionId))!.status).toBe('pending');
  });

  it('comes back to the page of the service that asked for the payment, never to another place', async () => {
    const { positionId, options } = await publishedPosition();
    const browser = await citizen();
    const returnTo = async (ritorno: string) => {
      await browser.get(`${LIST}/${positionId}`);
      const started = await browser.post(`${LIST}/${positionId}/paga`, { iuv: options[0]!.iuv, ritorno });
      const path = new URL(started.headers.location as string).pathname;
      await browser.get(path);
      return new URL((await browser.post(path, { choice: 'cancel' })).headers.location as string);
    };
    const certificate = '/jesolo/area-personale/certificati/0b7d6f5e-3c2a-4e1f-9a8b-7c6d5e4f3a2b';
    const back = await returnTo(certificate);
    expect(`${back.origin}${back.pathname}`).toBe(`${publicUrl}${certificate}`);
    expect(back.searchParams.get('esito')).toBe('annullato');
    for (const elsewhere of [
      '//evil.example/x',
      '/caorle/area-personale/x',
      '/jesolo/area-personale/../admin',
    ]) {
      expect((await returnTo(elsewhere)).pathname).toBe(`${LIST}/${positionId}/esito`);
    }
  });

  it('needs the form token: a cross-site post opens no cart', async () => {
    const { positionId, options } = await publishedPosition();
    const browser = await citizen();
    const forged = await built.app.inject({
      method: 'POST',
      url: `${LIST}/${positionId}/paga`,
      cookies: browser.cookies,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `iuv=${options[0]!.iuv}`,
    });
    expect(forged.statusCode).toBe(403);
  });

  it('with Checkout unreachable, tells the citizen to retry later (503, no 500) and the position stays pending', async () => {
    const { positionId, options } = await publishedPosition();
    const browser = new Browser(offline.app);
    browser.cookies = await citizenSession(database, CITIZEN.fiscalCode);
    await browser.get(`${LIST}/${positionId}`);
    const answer = await browser.post(`${LIST}/${positionId}/paga`, { iuv: options[0]!.iuv });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toContain(
      'Il servizio di pagamento non è al momento raggiungibile, riprova più tardi',
    );
    expect(answer.body).toContain('data-pay-problem="unavailable"');
    expect((await getDebtPosition(database.db, jesolo.id, positionId))!.status).toBe('pending');
  });

  it('refuses an IUV that is not an unpaid option of this position', async () => {
    const { positionId } = await publishedPosition();
    const browser = await citizen();
    await browser.get(`${LIST}/${positionId}`);
    const answer = await browser.post(`${LIST}/${positionId}/paga`, { iuv: '00000000000000000' });
    expect(answer.statusCode).toBe(409);
    expect(answer.body).toContain('data-pay-problem="notPayable"');
  });
});
