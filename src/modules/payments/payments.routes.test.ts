// The receipt notification endpoint (202 / 400 / 401 / 415, duplicates), its OpenAPI description, and
// the configuration of pagoPA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { type Config, ConfigError, loadConfig } from '../../config.ts';
import { sameKey } from '../../platform/http/api-key.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { getDebtPosition } from './payments.service.ts';
import {
  count,
  create,
  newPosition,
  type PayingEnte,
  payingEnte,
  receiptFor,
} from './payments.test-support.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let jesolo: PayingEnte;
let key: string;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  jesolo = await payingEnte(database, 'jesolo');
  key = await platformSecret(database.db, 'pagopa-notification');
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

const notify = (body: string, headers: Record<string, string> = {}) =>
  built.app.inject({
    method: 'POST',
    url: '/api/v1/payments/receipts',
    headers: { 'content-type': 'application/xml', 'x-notification-key': key, ...headers },
    payload: body,
  });

describe('POST /api/v1/payments/receipts', () => {
  it('records a receipt (202), and answers 202 again for the same receipt without recording it twice', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const xml = receiptFor(jesolo, created.options[0]!);
    const first = await notify(xml);
    expect(first.statusCode).toBe(202);
    const ack = first.json() as { receipt_id: string; status: string };
    expect(ack.status).toBe('recorded');
    expect(first.headers['x-ratelimit-limit']).toBeDefined();
    const again = await notify(xml);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ receipt_id: ack.receipt_id, status: 'duplicate' });
    expect(await count(database.db, 'payment_receipts', { receipt_id: ack.receipt_id })).toBe(1);
    expect((await getDebtPosition(database.db, jesolo.id, created.positionId))!.status).toBe('paid');
  });

  it('answers 202 for an unknown IUV, keeping the receipt for an operator', async () => {
    const res = await notify(
      receiptFor(jesolo, { iuv: '47000000000777701', noticeNumber: '347000000000777701', amountCents: 10 }),
    );
    expect(res.statusCode).toBe(202);
    const { receipt_id } = res.json() as { receipt_id: string };
    expect(await count(database.db, 'payment_receipt_issues', { receipt_id, kind: 'unknown_iuv' })).toBe(1);
  });

  it('answers 400 problem+json for invalid XML and for a creditor not served here', async () => {
    const invalid = await notify('<paSendRTV2Req><receipt>');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(invalid.json()).toMatchObject({ status: 400, code: 'INVALID_RECEIPT' });
    const stranger = receiptFor(
      { ...jesolo, creditorFiscalCode: '00000000000' },
      { iuv: '47000000000000101', noticeNumber: '347000000000000101', amountCents: 1 },
    );
    expect((await notify(stranger)).json()).toMatchObject({ status: 400, code: 'UNKNOWN_CREDITOR' });
  });

  it('answers 401 without the key or with a wrong one, before reading the receipt', async () => {
    const created = await create(database.db, newPosition(jesolo.id));
    const xml = receiptFor(jesolo, created.options[0]!);
    for (const headers of [
      { 'x-notification-key': '' },
      { 'x-notification-key': `${key}x` },
      { 'x-notification-key': 'short' },
    ]) {
      const res = await notify(xml, headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    expect((await getDebtPosition(database.db, jesolo.id, created.positionId))!.status).toBe('pending');
  });

  it('answers 415 for a body that is not XML', async () => {
    const res = await notify('{"receipt": 1}', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(415);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await built.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    };
    const op = doc.paths['/payments/receipts']!.post!;
    expect(op.operationId).toBe('notify_receipt');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '415']));
  });
});

describe('sameKey', () => {
  it('compares whole keys of any length', () => {
    expect(sameKey('a'.repeat(40), 'a'.repeat(40))).toBe(true);
    expect(sameKey('a'.repeat(39), 'a'.repeat(40))).toBe(false);
    expect(sameKey(undefined, 'a'.repeat(40))).toBe(false);
    expect(sameKey(['a'], 'a')).toBe(false);
  });
});

describe('pagoPA configuration', () => {
  const base = { PUBLIC_URL: 'https://servizi.example.it', SMTP_URL: 'smtp://localhost:25' };
  it('points at the sandbox when it is on', () => {
    const config = loadConfig({ ...base });
    expect(config.pagopa).toEqual({
      gpdUrl: 'https://servizi.example.it/sandbox/pagopa/gpd/debt-positions-service/v1',
      receiptsUrl: 'https://servizi.example.it/sandbox/pagopa/gpd/payments-receipts-service/v1',
      checkoutUrl: 'https://servizi.example.it/sandbox/pagopa',
      notificationKey: null,
    } satisfies Config['pagopa']);
  });

  it("uses pagoPA's production APIs with the sandbox off, and then requires the key", () => {
    expect(loadConfig({ ...base, SANDBOX: 'false' }).pagopa).toBeNull();
    expect(() =>
      loadConfig({
        ...base,
        SANDBOX: 'false',
        PAGOPA_GPD_URL: 'https://api.uat.platform.pagopa.it/gpd/debt-positions-service/v1',
      }),
    ).toThrow(ConfigError);
    const config = loadConfig({ ...base, SANDBOX: 'false', PAGOPA_NOTIFICATION_KEY: 'k'.repeat(32) });
    expect(config.pagopa).toMatchObject({
      gpdUrl: 'https://api.platform.pagopa.it/gpd/debt-positions-service/v1',
      checkoutUrl: 'https://api.platform.pagopa.it',
      notificationKey: 'k'.repeat(32),
    });
    expect(() => loadConfig({ ...base, SANDBOX: 'false', PAGOPA_NOTIFICATION_KEY: 'short' })).toThrow(/32/);
    expect(() =>
      loadConfig({
        ...base,
        SANDBOX: 'false',
        PAGOPA_NOTIFICATION_KEY: 'k'.repeat(32),
        PAGOPA_GPD_URL: 'http://gpd.example.it',
      }),
    ).toThrow(/https/);
  });
});
