import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Browser, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { CheckoutClient } from '../../modules/payments/checkout-client.ts';
import {
  checkoutContract,
  contractFetch,
  OpenApiContract,
} from '../../modules/payments/fixtures/openapi-contract.ts';
import { position } from '../../modules/payments/fixtures/positions.ts';
import { GpdClient } from '../../modules/payments/gpd-client.ts';
import { parseReceipt } from '../../modules/payments/receipt-xml.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { pagopaSandboxUrls } from './index.ts';
import { DELIVERY_QUEUE } from './payment.ts';

const ORG = '00339370272';
let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let receiver: http.Server;
let publicUrl: string;
/** What the platform's notification endpoint (here a loopback stand-in) received, and its next answer. */
const received: { key: string; type: string; body: string }[] = [];
let answer = 202;
const violations: string[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v1/payments/receipts') return res.writeHead(404).end();
      received.push({
        key: String(req.headers['x-notification-key']),
        type: String(req.headers['content-type']),
        body,
      });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  publicUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  database = await testDatabase();
  built = await testApp(database, { PUBLIC_URL: publicUrl });
});
afterAll(async () => {
  await built.app.close();
  await database.close();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  received.length = 0;
  answer = 202;
});

const urls = () => pagopaSandboxUrls(publicUrl);
const fetchChecked = () =>
  contractFetch(
    built.app,
    [
      { base: urls().gpdBaseUrl, contract: OpenApiContract.fromFile('gpd-openapi_external_v1.json') },
      {
        base: urls().receiptsBaseUrl,
        contract: OpenApiContract.fromFile('gpd-payments-receipts-openapi.json'),
      },
      { base: urls().checkoutBaseUrl, contract: checkoutContract() },
    ],
    violations,
  );
const gpd = async () =>
  new GpdClient({
    baseUrl: urls().gpdBaseUrl,
    receiptsBaseUrl: urls().receiptsBaseUrl,
    subscriptionKey: await platformSecret(database.db, 'sandbox-pagopa-subscription'),
    fetch: fetchChecked(),
  });
const checkout = () => new CheckoutClient({ baseUrl: urls().checkoutBaseUrl, fetch: fetchChecked() });

const RETURN = {
  returnOkUrl: 'http://localhost:3000/venezia/area-personale/pagamenti?esito=ok',
  returnCancelUrl: 'http://localhost:3000/venezia/area-personale/pagamenti?esito=annullato',
  returnErrorUrl: 'http://localhost:3000/venezia/area-personale/pagamenti?esito=errore',
};
const notice = (iuv: string, amount = 2600) => ({
  noticeNumber: `3${iuv}`,
  fiscalCode: ORG,
  amount,
  companyName: 'Comune di Venezia',
  description: 'Certificato di residenza',
});

/** A published position and an open cart for it; the checkout page's path. */
async function openCart(iupd: string, iuv: string, amount = 2600) {
  await (await gpd()).createPosition(ORG, position(iupd, iuv), true);
  const { redirectUrl } = await checkout().startCart({
    paymentNotices: [notice(iuv, amount)],
    returnUrls: RETURN,
    emailNotice: 'mario.rossi@example.it',
  });
  expect(redirectUrl.startsWith(`${publicUrl}/sandbox/pagopa/checkout/c/`)).toBe(true);
  return new URL(redirectUrl).pathname;
}

const deliveryJobs = () =>
  sql<{ status: string; attempts: number }>`select status, attempts from jobs where queue = ${DELIVERY_QUEUE}`
    .execute(database.db)
    .then((r) => r.rows);
const makeDue = () =>
  sql`update jobs set run_at = now() where queue = ${DELIVERY_QUEUE}`.execute(database.db);

describe('pagoPA sandbox: checkout and receipts', () => {
  it('pays a cart: the position is paid, the receipt is listed and delivered until the platform takes it', async () => {
    const path = await openCart(`${ORG}-pay`, '02000000000000184');
    const browser = new Browser(built.app);
    const page = await browser.get(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ambiente di test');
    expect(page.body).toContain('3020 0000 0000 0001 84');
    expect(page.body).toContain('Paga 26,00\u00a0€');
    expect(page.body).toContain('value="pay"');
    const paid = await browser.post(path, { choice: 'pay' });
    expect(paid.statusCode).toBe(303);
    expect(paid.headers.location).toBe(RETURN.returnOkUrl);

    const client = await gpd();
    const read = await client.getPosition(ORG, `${ORG}-pay`);
    expect(read.status).toBe('PAID');
    expect(read.paymentOption?.[0]).toMatchObject({
      status: 'PO_PAID',
      pspCompany: 'PSP di prova (ambiente di test)',
    });
    const today = new Date().toISOString().slice(0, 10);
    const list = await client.listReceipts(ORG, { from: today, to: today });
    expect(list).toEqual({ iuvs: ['02000000000000184'], totalPages: 1 });
    const xml = await client.getReceipt(ORG, '02000000000000184');
    expect(parseReceipt(xml)).toMatchObject({
      receiptId: read.paymentOption?.[0]?.idReceipt,
      noticeNumber: '302000000000000184',
      organizationFiscalCode: ORG,
      amountCents: 2600,
      outcome: 'OK',
      debtorFiscalCode: 'RSSMRA80A01L736T',
    });
    expect(xml).toContain('<IBAN>IT60X0542811101000000123456</IBAN>');

    // The platform is down: the job fails and waits; a new process picks it up and delivers it once.
    answer = 500;
    await built.worker.runOnce();
    expect(received).toHaveLength(1);
    expect(received[0]).toEqual({
      key: await platformSecret(database.db, 'pagopa-notification'),
      type: 'application/xml',
      body: xml,
    });
    expect(await deliveryJobs()).toEqual([{ status: 'queued', attempts: 1 }]);
    const restarted = await testApp(database, { PUBLIC_URL: publicUrl });
    try {
      answer = 202;
      await makeDue();
      await restarted.worker.runOnce();
      await makeDue();
      await restarted.worker.runOnce();
    } finally {
      await restarted.app.close();
    }
    expect(received).toHaveLength(2);
    expect(await deliveryJobs()).toEqual([{ status: 'done', attempts: 2 }]);

    // Coming back to the page, or posting again, pays nothing twice.
    expect((await browser.get(path)).body).toContain('Il pagamento è stato eseguito.');
    expect((await browser.post(path, { choice: 'pay' })).headers.location).toBe(RETURN.returnOkUrl);
    expect((await client.listReceipts(ORG, {})).iuvs).toEqual(['02000000000000184']);
    expect(violations).toEqual([]);
  });

  it('sends the tester back to the cancel and error addresses, paying nothing', async () => {
    for (const [choice, iuv, url] of [
      ['cancel', '02000000000000281', RETURN.returnCancelUrl],
      ['fail', '02000000000000378', RETURN.returnErrorUrl],
    ] as const) {
      const path = await openCart(`${ORG}-${choice}`, iuv);
      const browser = new Browser(built.app);
      await browser.get(path);
      const back = await browser.post(path, { choice });
      expect(back.statusCode).toBe(303);
      expect(back.headers.location).toBe(url);
      expect((await (await gpd()).getPosition(ORG, `${ORG}-${choice}`)).status).toBe('VALID');
    }
    expect(await deliveryJobs()).toHaveLength(1); // only the receipt of the first test
    expect(violations).toEqual([]);
  });

  it('refuses to pay notices that are unknown, invalidated or for another amount', async () => {
    const client = await gpd();
    await client.createPosition(ORG, position(`${ORG}-gone`, '02000000000000475'), true);
    await client.invalidatePosition(ORG, `${ORG}-gone`);
    await client.createPosition(ORG, position(`${ORG}-amount`, '02000000000000572'), true);
    const cases = [
      [notice('02000000000000669'), 'l’avviso non esiste presso l’ente indicato'],
      [notice('02000000000000475'), 'l’avviso è stato annullato dall’ente'],
      [notice('02000000000000572', 2500), 'l’importo non corrisponde a quello dell’avviso'],
    ] as const;
    for (const [n, reason] of cases) {
      const { redirectUrl } = await checkout().startCart({ paymentNotices: [n], returnUrls: RETURN });
      const browser = new Browser(built.app);
      const page = await browser.get(new URL(redirectUrl).pathname);
      expect(page.body).toContain(reason);
      expect(page.body).not.toContain('value="pay"');
      const forced = await browser.post(new URL(redirectUrl).pathname, { choice: 'pay' });
      expect(forced.headers.location).toBe(RETURN.returnErrorUrl);
    }
    expect((await client.getPosition(ORG, `${ORG}-amount`)).status).toBe('VALID');
    expect(violations).toEqual([]);
  });

  it('accepts the checkout form only with its CSRF token', async () => {
    const path = await openCart(`${ORG}-csrf`, '02000000000000766');
    const forged = await built.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'choice=pay',
    });
    expect(forged.statusCode).toBe(403);
    expect((await (await gpd()).getPosition(ORG, `${ORG}-csrf`)).status).toBe('VALID');
  });

  it('answers 404 for a cart that does not exist', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'non-un-id']) {
      const page = await built.app.inject({ url: `/sandbox/pagopa/checkout/c/${id}` });
      expect(page.statusCode).toBe(404);
      expect(page.body).toContain('Carrello non trovato');
    }
  });
});
