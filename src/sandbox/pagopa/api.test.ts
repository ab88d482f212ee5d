import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { CARTS_PATH } from '../../modules/payments/checkout-client.ts';
import { position } from '../../modules/payments/fixtures/positions.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { GPD_BASE, RECEIPTS_BASE, SANDBOX_PREFIX } from './api.routes.ts';
import { createPosition, getPosition } from './gpd.ts';
import { findOptionByNav, insertCart, q } from './pagopa.repo.ts';
import { closeCart } from './payment.ts';

const ORG = '00339370272';
let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let key: string;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  key = await platformSecret(database.db, 'sandbox-pagopa-subscription');
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

const call = (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) =>
  built.app.inject({
    method,
    url,
    headers: {
      'ocp-apim-subscription-key': key,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
const positions = `${GPD_BASE}/organizations/${ORG}/debtpositions`;

/** A problem JSON answer {title, status, detail} with this status. */
function expectProblem(res: Awaited<ReturnType<typeof call>>, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toMatchObject({ title: expect.any(String), status, detail: expect.any(String) });
  expect(res.headers['x-request-id']).toBeTruthy();
}

const edit = (change: (p: ReturnType<typeof position>) => void) => {
  const p = position(`${ORG}-edit`, '02000000000000863') as unknown as Record<string, unknown>;
  change(p as never);
  return p;
};
const option = (p: ReturnType<typeof position>) => p.paymentOption![0]!;

describe('pagoPA sandbox API: input is checked like the real service, never a 500', () => {
  it('needs the subscription key on GPD and the receipts service', async () => {
    for (const url of [`${positions}/x`, `${RECEIPTS_BASE}/payments/${ORG}/receipts`]) {
      expectProblem(await call('GET', url, undefined, { 'ocp-apim-subscription-key': 'sbagliata' }), 401);
      const none = await built.app.inject({ url });
      expectProblem(none, 401);
    }
  });

  it('refuses malformed debt positions with 400', async () => {
    const bad: [string, unknown][] = [
      ['not JSON', '{"iupd":'],
      ['not an object', '[1,2]'],
      ['empty', ''],
      ['no companyName', edit((p) => delete (p as Partial<typeof p>).companyName)],
      ['bad type', edit((p) => Object.assign(p, { type: 'X' }))],
      ['amount 0', edit((p) => Object.assign(option(p), { amount: 0 }))],
      ['amount as text', edit((p) => Object.assign(option(p), { amount: 'molti' }))],
      ['transfers not adding up', edit((p) => Object.assign(option(p), { amount: 2601 }))],
      ['six transfers', edit((p) => option(p).transfer!.push(...Array(4).fill(option(p).transfer![0])))],
      ['repeated idTransfer', edit((p) => Object.assign(option(p).transfer![1]!, { idTransfer: '1' }))],
      [
        'iban and stamp',
        edit((p) => Object.assign(option(p).transfer![1]!, { iban: 'IT60X0542811101000000123456' })),
      ],
      ['neither iban nor stamp', edit((p) => delete option(p).transfer![0]!.iban)],
      ['due date not a date', edit((p) => Object.assign(option(p), { dueDate: 'domani' }))],
      ['due date in the past', edit((p) => Object.assign(option(p), { dueDate: '2020-01-01T00:00:00Z' }))],
      ['description too long', edit((p) => Object.assign(option(p), { description: 'x'.repeat(141) }))],
      ['repeated IUV', edit((p) => p.paymentOption!.push({ ...option(p) }))],
      ['no options', edit((p) => Object.assign(p, { paymentOption: [] }))],
    ];
    for (const [why, body] of bad) {
      const res = await call('POST', `${positions}?toPublish=true`, body);
      expect(res.statusCode, why).toBe(400);
      expectProblem(res, 400);
    }
    expectProblem(
      await call('POST', `${positions}?toPublish=forse`, position(`${ORG}-q`, '02000000000000960')),
      400,
    );
    expectProblem(
      await call(
        'POST',
        `${GPD_BASE}/organizations/123/debtpositions`,
        position(`${ORG}-o`, '02000000000000960'),
      ),
      400,
    );
    expectProblem(await call('POST', positions, '<xml/>', { 'content-type': 'application/xml' }), 415);
    expectProblem(await call('GET', `${positions}/${encodeURIComponent('a/b')}`), 400);
    expectProblem(await call('GET', `${positions}/${ORG}-missing`), 404);
  });

  it('refuses malformed carts with 400, and a wrong key with 401', async () => {
    const cart = {
      paymentNotices: [
        {
          noticeNumber: '302000000000000184',
          fiscalCode: ORG,
          amount: 100,
          companyName: 'C',
          description: 'D',
        },
      ],
      returnUrls: {
        returnOkUrl: 'https://e.it/ok',
        returnCancelUrl: 'https://e.it/ko',
        returnErrorUrl: 'https://e.it/err',
      },
    };
    const url = `${SANDBOX_PREFIX}${CARTS_PATH}`;
    expect((await call('POST', url, cart, { 'ocp-apim-subscription-key': key })).statusCode).toBe(302);
    const n = cart.paymentNotices[0]!;
    for (const body of [
      { ...cart, paymentNotices: [] },
      { ...cart, paymentNotices: Array(6).fill(n) },
      { ...cart, paymentNotices: [n, n] },
      { ...cart, paymentNotices: [{ ...n, noticeNumber: '30200000000000018X' }] },
      { ...cart, paymentNotices: [{ ...n, amount: -1 }] },
      { ...cart, returnUrls: { ...cart.returnUrls, returnOkUrl: 'javascript:alert(1)' } },
      { ...cart, emailNotice: 'non-una-email' },
      { ...cart, colore: 'rosso' },
    ]) {
      const res = await built.app.inject({ method: 'POST', url, payload: body as object });
      expectProblem(res, 400);
    }
    expectProblem(await call('POST', url, cart, { 'ocp-apim-subscription-key': 'sbagliata' }), 401);
  });

  it('pages receipts like the receipts service, refusing pages past the last', async () => {
    const url = `${RECEIPTS_BASE}/payments/${ORG}/receipts`;
    expect((await call('GET', `${url}?pageNum=0&pageSize=5`)).json()).toMatchObject({
      totalPages: 1,
      results: [],
    });
    expectProblem(await call('GET', `${url}?pageNum=3`), 400);
    expectProblem(await call('GET', `${url}?pageSize=1000`), 400);
    expectProblem(await call('GET', `${url}?from=ieri`), 400);
    expectProblem(await call('GET', `${url}/${'9'.repeat(40)}`), 400);
  });
});

describe('pagoPA sandbox: debt position life cycle', () => {
  const db = () => q(database.db);

  it('expires a valid position after its due date when switchToExpired', async () => {
    const past = new Date(Date.now() - 60 * 86_400_000);
    const p = position(`${ORG}-expired`, '02000000000001057');
    option(p).dueDate = new Date(past.getTime() + 86_400_000).toISOString();
    await createPosition(db(), ORG, p as never, true, past);
    expect((await getPosition(db(), ORG, `${ORG}-expired`)).status).toBe('EXPIRED');
    expect((await getPosition(db(), ORG, `${ORG}-expired`, past)).status).toBe('VALID');
  });

  it('becomes valid at its validity date, and partially paid until every instalment is paid', async () => {
    const p = position(`${ORG}-rate`, '02000000000001154');
    p.validityDate = new Date(Date.now() + 3_600_000).toISOString();
    const whole = option(p);
    const instalment = (iuv: string, days: number) => ({
      ...whole,
      iuv,
      amount: 1300,
      isPartialPayment: true,
      dueDate: new Date(Date.now() + days * 86_400_000).toISOString(),
      transfer: [{ ...whole.transfer![0]!, amount: 1300 }],
    });
    p.paymentOption = [whole, instalment('02000000000001251', 30), instalment('02000000000001348', 60)];
    await createPosition(db(), ORG, p as never, true);
    expect((await getPosition(db(), ORG, `${ORG}-rate`)).status).toBe('PUBLISHED');
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect((await getPosition(db(), ORG, `${ORG}-rate`, later)).status).toBe('VALID');

    const pay = async (iuv: string, amount: number) => {
      const id = await insertCart(db(), {
        paymentNotices: [
          { noticeNumber: `3${iuv}`, fiscalCode: ORG, amount, companyName: 'C', description: 'D' },
        ],
        returnUrls: {
          returnOkUrl: 'https://e.it',
          returnCancelUrl: 'https://e.it',
          returnErrorUrl: 'https://e.it',
        },
      });
      return closeCart(database.db, id, 'pay', firstEnte, later);
    };
    expect(await pay('02000000000001251', 1300)).toBe('paid');
    expect((await getPosition(db(), ORG, `${ORG}-rate`, later)).status).toBe('PARTIALLY_PAID');
    expect(await pay('02000000000001154', 2600)).toBe('failed'); // the whole amount, after an instalment
    expect(await pay('02000000000001348', 1300)).toBe('paid');
    expect((await getPosition(db(), ORG, `${ORG}-rate`, later)).status).toBe('PAID');
    expect((await findOptionByNav(db(), ORG, '302000000000001154'))?.status).toBe('PO_UNPAID');
  });
});

async function firstEnte(): Promise<string> {
  const row = await database.db
    .withTables<{ enti: { id: string; kind: string } }>()
    .selectFrom('enti')
    .select('id')
    .where('kind', '=', 'sad')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('pagoPA sandbox in production', () => {
  it('stays out of the platform’s OpenAPI document', async () => {
    const doc = (await built.app.inject({ url: '/api/openapi.json' })).json() as { paths: object };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/sandbox'))).toEqual([]);
  });

  it('is not there when the sandbox is off', async () => {
    const production = await testApp(database, { SANDBOX: 'false', SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      expect(
        (
          await production.app.inject({
            url: `${positions}/x`,
            headers: { 'ocp-apim-subscription-key': key },
          })
        ).statusCode,
      ).toBe(404);
      const cart = await production.app.inject({
        method: 'POST',
        url: `${SANDBOX_PREFIX}${CARTS_PATH}`,
        payload: {},
      });
      expect(cart.statusCode).toBe(404);
    } finally {
      await production.app.close();
    }
  });
});
