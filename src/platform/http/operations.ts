// Liveness, readiness, ModI /status, Prometheus metrics and graceful draining.
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { type Db, ping } from '../db/database.ts';

export interface Lifecycle {
  draining: boolean;
  /** Requests being served right now. */
  inFlight: number;
}

/** Waits until no request is in flight, or the grace period is over. */
export async function drained(lifecycle: Lifecycle, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (lifecycle.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

export function registerOperations(app: FastifyInstance, deps: { db: Db; lifecycle: Lifecycle }) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  // New requests get 503 while the process drains; in-flight ones finish before the listener closes.
  app.addHook('onRequest', async (_request, reply) => {
    deps.lifecycle.inFlight++;
    reply.raw.once('close', () => {
      deps.lifecycle.inFlight--;
    });
    if (deps.lifecycle.draining) {
      reply.header('retry-after', '5').header('connection', 'close');
      reply.code(503).type('application/problem+json').send({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        code: 'SHUTTING_DOWN',
        detail: 'The server is restarting; retry shortly.',
      });
      return reply;
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
  });

  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (deps.lifecycle.draining) return reply.code(503).send({ status: 'draining' });
    if (await ping(deps.db)) return { status: 'ready' };
    return reply.code(503).send({ status: 'database-unavailable' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
