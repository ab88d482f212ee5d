// Platform HTTP conventions, tested through the real app: request ids, security headers, problem+json,
// rate limiting, CSRF on forms, draining, health and metrics endpoints, the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database, { RATE_LIMIT_MAX: '5' });
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

describe('platform HTTP conventions', () => {
  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const kept = await built.app.inject({ url: '/status', headers: { 'x-request-id': 'trace-12345678' } });
    expect(kept.headers['x-request-id']).toBe('trace-12345678');
    const replaced = await built.app.inject({
      url: '/status',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends a CSP without inline scripts, frame-ancestors and a referrer policy', async () => {
    const res = await built.app.inject({ url: '/jesolo' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('answers the ModI /status as problem+json', async () => {
    const res = await built.app.inject({ url: '/api/v1/status' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({ status: 200, title: 'OK' });
  });

  it('reports liveness, readiness and Prometheus metrics', async () => {
    expect((await built.app.inject({ url: '/livez' })).statusCode).toBe(200);
    expect((await built.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = await built.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/readyz"');
  });

  it('serves an OpenAPI 3.1 document with paths relative to the versioned server', async () => {
    const doc = (await built.app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toMatch(/\/api\/v1$/);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/status', '/enti', '/enti/{id}']));
    expect(doc.paths['/enti/{id}'].patch.requestBody.content).toHaveProperty([
      'application/merge-patch+json',
    ]);
    expect(doc.components.schemas).toHaveProperty('Problem');
  });

  it('limits API requests per client with X-RateLimit headers and 429 + Retry-After', async () => {
    const statuses: number[] = [];
    let last = await built.app.inject({ url: '/api/v1/enti?limit=1', remoteAddress: '10.9.9.9' });
    statuses.push(last.statusCode);
    expect(last.headers['x-ratelimit-limit']).toBe('5');
    for (let i = 0; i < 6; i++) {
      last = await built.app.inject({ url: '/api/v1/enti?limit=1', remoteAddress: '10.9.9.9' });
      statuses.push(last.statusCode);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(last.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Pages are not rate limited by this API limiter.
    expect((await built.app.inject({ url: '/jesolo', remoteAddress: '10.9.9.9' })).statusCode).toBe(200);
  });

  it('refuses a form post without a valid CSRF token', async () => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/sad/audit-check',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '_csrf=forged',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Accesso non consentito');
  });

  it('refuses a post without a form body or with text/plain, even for a signed-in admin', async () => {
    const cookies = await sessionAs(database, 'admin', [{ role: 'sad_admin' }]);
    // A cross-site fetch can post with no body and no Content-Type: the token is still required.
    const bare = await built.app.inject({ method: 'POST', url: '/sad/audit-check', cookies });
    expect(bare.statusCode).toBe(403);
    const text = await built.app.inject({
      method: 'POST',
      url: '/sad/audit-check',
      headers: { 'content-type': 'text/plain' },
      cookies,
      payload: '_csrf=x',
    });
    expect([403, 415]).toContain(text.statusCode);
  });

  it('answers new requests with 503 and Retry-After while draining', async () => {
    built.lifecycle.draining = true;
    try {
      const res = await built.app.inject({ url: '/jesolo' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect((await built.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    } finally {
      built.lifecycle.draining = false;
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish while new ones get 503 with Retry-After', async () => {
    const db = await testDatabase();
    const stopping = await testApp(db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    stopping.app.get('/test/slow', async () => {
      await gate;
      return { done: true };
    });
    await stopping.app.listen({ host: '127.0.0.1', port: 0 });
    const address = stopping.app.server.address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    const slow = fetch(`${base}/test/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = stopping.shutdown();
    const refused = await fetch(`${base}/jesolo`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    release();
    const finished = await slow;
    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({ done: true });
    await closing;
    await db.close();
  });

  it('marks cookies Secure when served over https', async () => {
    const db = await testDatabase();
    const secure = await testApp(db, { PUBLIC_URL: 'https://servizi.example.it' });
    const res = await secure.app.inject({ url: '/jesolo?lang=en' });
    const cookie = res.cookies.find((c) => c.name === 'lang');
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    await secure.app.close();
    await db.close();
  });
});
