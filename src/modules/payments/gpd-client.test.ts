import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { pagopaSandboxUrls } from '../../sandbox/pagopa/index.ts';
import { contractFetch, OpenApiContract } from './fixtures/openapi-contract.ts';
import { position } from './fixtures/positions.ts';
import { GpdClient, GpdError } from './gpd-client.ts';

const ORG = '00339370272';
const gpdContract = OpenApiContract.fromFile('gpd-openapi_external_v1.json');
const receiptsContract = OpenApiContract.fromFile('gpd-payments-receipts-openapi.json');

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let key: string;
const violations: string[] = [];

const urls = pagopaSandboxUrls('http://localhost:3000');
const client = (subscriptionKey = key) =>
  new GpdClient({
    baseUrl: urls.gpdBaseUrl,
    receiptsBaseUrl: urls.receiptsBaseUrl,
    subscriptionKey,
    fetch: contractFetch(
      built.app,
      [
        { base: urls.gpdBaseUrl, contract: gpdContract },
        { base: urls.receiptsBaseUrl, contract: receiptsContract },
      ],
      violations,
    ),
  });

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  key = await platformSecret(database.db, 'sandbox-pagopa-subscription');
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

describe('GPD client against the sandbox, checked against the OpenAPI documents', () => {
  it('creates, publishes, reads and invalidates a debt position', async () => {
    const gpd = client();
    const created = await gpd.createPosition(ORG, position(`${ORG}-roundtrip`, '02000000000000184'), false);
    expect(created.status).toBe('DRAFT');
    expect(created.paymentOption?.[0]?.nav).toBe('302000000000000184');

    expect((await gpd.publishPosition(ORG, `${ORG}-roundtrip`)).status).toBe('VALID');
    const read = await gpd.getPosition(ORG, `${ORG}-roundtrip`);
    expect(read).toMatchObject({ iupd: `${ORG}-roundtrip`, organizationFiscalCode: ORG, status: 'VALID' });
    expect(read.publishDate).toBeDefined();
    expect(read.paymentOption?.[0]).toMatchObject({
      iuv: '02000000000000184',
      amount: 2600,
      status: 'PO_UNPAID',
    });
    expect(read.paymentOption?.[0]?.transfer?.[1]?.stamp?.provincialResidence).toBe('VE');

    expect((await gpd.invalidatePosition(ORG, `${ORG}-roundtrip`)).status).toBe('INVALID');
    expect((await gpd.getPosition(ORG, `${ORG}-roundtrip`)).status).toBe('INVALID');
    expect(violations).toEqual([]);
  });

  it('publishes at creation with toPublish', async () => {
    const created = await client().createPosition(ORG, position(`${ORG}-direct`, '02000000000000281'), true);
    expect(created.status).toBe('VALID');
    expect(violations).toEqual([]);
  });

  it('answers 409, not retryable, to a duplicate IUPD or IUV', async () => {
    const gpd = client();
    await gpd.createPosition(ORG, position(`${ORG}-twice`, '02000000000000378'), true);
    for (const again of [
      position(`${ORG}-twice`, '02000000000000475'),
      position(`${ORG}-other`, '02000000000000378'),
    ]) {
      const error = await gpd.createPosition(ORG, again, true).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GpdError);
      expect(error).toMatchObject({
        status: 409,
        retryable: false,
        problem: { status: 409, title: 'Conflict' },
      });
    }
    // Publishing twice and invalidating an invalid position are conflicts too.
    await expect(gpd.publishPosition(ORG, `${ORG}-twice`)).rejects.toMatchObject({ status: 409 });
    await gpd.invalidatePosition(ORG, `${ORG}-twice`);
    await expect(gpd.invalidatePosition(ORG, `${ORG}-twice`)).rejects.toMatchObject({ status: 409 });
    expect(violations).toEqual([]);
  });

  it('gets 400 for a position GPD refuses, 404 for an unknown one, 401 for a wrong key', async () => {
    const bad = position(`${ORG}-bad`, '02000000000000572');
    bad.paymentOption![0]!.amount = 2500; // the transfers add up to 2600
    await expect(client().createPosition(ORG, bad, true)).rejects.toMatchObject({
      status: 400,
      retryable: false,
      problem: { status: 400, detail: expect.stringContaining('add up to 2600') },
    });
    await expect(client().getPosition(ORG, 'missing')).rejects.toMatchObject({
      status: 404,
      retryable: false,
    });
    await expect(client('wrong-key').getPosition(ORG, 'missing')).rejects.toMatchObject({ status: 401 });
    expect(violations).toEqual([]);
  });

  it('lists no receipts as an empty page, and gets 404 for a receipt that does not exist', async () => {
    const gpd = client();
    expect(await gpd.listReceipts('80000000000', { from: '2025-01-01', to: '2025-01-31' })).toEqual({
      iuvs: [],
      totalPages: 1,
    });
    await expect(gpd.getReceipt(ORG, '02000000000000184')).rejects.toMatchObject({
      status: 404,
      retryable: false,
    });
    expect(violations).toEqual([]);
  });
});

describe('the contract check itself', () => {
  const create = (body: unknown, query = '?toPublish=true') => ({
    method: 'POST',
    url: `/organizations/${ORG}/debtpositions${query}`,
    headers: { 'ocp-apim-subscription-key': 'k', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('accepts what the client sends and refuses read-only, undeclared and missing fields', () => {
    expect(gpdContract.checkRequest(create(position('a', '1')))).toEqual([]);
    const readOnly = { ...position('a', '1'), status: 'PAID' };
    expect(gpdContract.checkRequest(create(readOnly)).join()).toMatch(/status/);
    expect(gpdContract.checkRequest(create({ ...position('a', '1'), colour: 'red' })).join()).toMatch(
      /colour/,
    );
    const { companyName: _, ...missing } = position('a', '1');
    expect(gpdContract.checkRequest(create(missing)).join()).toMatch(/companyName/);
    expect(gpdContract.checkRequest(create(position('a', '1'), '?toPublish=maybe')).join()).toMatch(
      /toPublish/,
    );
    expect(gpdContract.checkRequest({ ...create(position('a', '1')), headers: {} }).join()).toMatch(
      /credentials/,
    );
  });

  it('refuses responses with undeclared statuses, content types or fields', () => {
    const req = { method: 'GET', url: `/organizations/${ORG}/debtpositions/x` };
    const json = (body: unknown, status = 200) => ({
      status,
      contentType: 'application/json',
      body: JSON.stringify(body),
    });
    expect(gpdContract.checkResponse(req, json({ iupd: 'x', status: 'VALID' }))).toEqual([]);
    expect(gpdContract.checkResponse(req, json({ iupd: 'x', status: 'SOMETHING' })).join()).toMatch(/status/);
    expect(gpdContract.checkResponse(req, json({ extra: 1 })).join()).toMatch(/extra/);
    expect(gpdContract.checkResponse(req, json({}, 418)).join()).toMatch(/418/);
    expect(
      gpdContract.checkResponse(req, { status: 200, contentType: 'text/html', body: '' }).join(),
    ).toMatch(/content type/);
  });
});

describe('GPD client failures', () => {
  let server: http.Server;
  let answer: (res: http.ServerResponse) => void = () => {};
  let base = '';

  beforeAll(async () => {
    server = http.createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const loopback = (baseUrl = base) =>
    new GpdClient({ baseUrl, receiptsBaseUrl: baseUrl, subscriptionKey: 'k', timeoutMs: 300 });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (e: unknown) => e as GpdError,
    );

  it('marks 5xx and 429 retryable, other 4xx not', async () => {
    for (const [status, retryable] of [
      [500, true],
      [503, true],
      [429, true],
      [400, false],
      [403, false],
    ] as const) {
      answer = (res) =>
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end('{"title":"x","status":1,"detail":"d"}');
      const error = await failure(loopback().getPosition(ORG, 'x'));
      expect(error, String(status)).toBeInstanceOf(GpdError);
      expect(error).toMatchObject({ status, retryable, problem: { detail: 'd' } });
    }
  });

  it('marks a timeout and an unreachable server retryable, with no status', async () => {
    answer = () => {}; // never answers
    const timedOut = await failure(loopback().listReceipts(ORG, {}));
    expect(timedOut).toMatchObject({
      status: null,
      retryable: true,
      message: expect.stringContaining('300 ms'),
    });
    const unreachable = await failure(loopback('http://127.0.0.1:1').getReceipt(ORG, 'x'));
    expect(unreachable).toMatchObject({ status: null, retryable: true });
  });

  it('refuses a success that is not JSON, without retrying', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
    expect(await failure(loopback().getPosition(ORG, 'x'))).toMatchObject({ status: 200, retryable: false });
  });
});
