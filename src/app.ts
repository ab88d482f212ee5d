// Builds the Fastify application: platform plugins first, then every module.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './platform/db/database.ts';
import { registerApiConventions } from './platform/http/api.ts';
import { registerErrorHandling } from './platform/http/error-handler.tsx';
import { drained, type Lifecycle, registerOperations } from './platform/http/operations.ts';
import { genRequestId, registerRequestContext } from './platform/http/request-context.ts';
import { registerSecurity } from './platform/http/security.ts';
import './platform/http/types.ts';
import { identityModule } from './modules/identity/index.ts';
import { sadModule } from './modules/sad/index.ts';
import { EnteDirectory, HostRouter, tenancyModule } from './modules/tenancy/index.ts';
import { JobWorker } from './platform/jobs/jobs.ts';
import { platformSecret } from './platform/secrets.repo.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface App {
  app: FastifyInstance;
  worker: JobWorker;
  lifecycle: Lifecycle;
  /** Graceful stop: new requests get 503 + Retry-After, the worker stops claiming, in-flight requests finish. */
  shutdown(): Promise<void>;
}

export async function buildApp(
  config: Readonly<Config>,
  database: Database,
  options: { logger?: boolean } = {},
): Promise<App> {
  const { db } = database;
  const hostRouter = new HostRouter();
  const lifecycle: Lifecycle = { draining: false, inFlight: 0 };
  const secureCookies = config.publicUrl.startsWith('https://');

  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // No personal data in logs: no query strings, no client addresses, no headers.
            serializers: {
              req: (req) => ({ method: req.method, path: String(req.url).split('?')[0], reqId: req.id }),
              res: (res) => ({ statusCode: res.statusCode }),
            },
          },
    genReqId: genRequestId,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    rewriteUrl: (req) => hostRouter.rewrite(req),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    // Our draining hook answers 503 with Retry-After instead of Fastify's bare 503.
    return503OnClosing: false,
  });

  const cookieSecret = config.cookieSecret ?? (await platformSecret(db, 'cookie'));
  registerOperations(app, { db, lifecycle });
  await registerSecurity(app, { cookieSecret, secureCookies });
  registerRequestContext(app, {
    db,
    demo: config.demoSeed !== 'none',
    secureCookies,
    session: config.session,
  });
  registerErrorHandling(app);
  await registerApiConventions(app, { publicUrl: config.publicUrl, rateLimit: config.rateLimit });

  await app.register(fastifyStatic, {
    root: path.join(ROOT, 'node_modules/bootstrap-italia/dist'),
    prefix: '/static/bootstrap-italia/',
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.join(ROOT, 'src/web/public'),
    prefix: '/static/',
    wildcard: false,
    decorateReply: false,
    maxAge: '1h',
  });
  app.get('/favicon.svg', { schema: { hide: true } }, (_request, reply) =>
    reply.sendFile('favicon.svg', path.join(ROOT, 'src/web/public')),
  );

  const worker = new JobWorker(db, {
    pollMs: config.jobs.pollMs,
    concurrency: config.jobs.concurrency,
    onError: (job, error) =>
      app.log.warn({ queue: job.queue, jobId: job.id, err: error.message }, 'job failed'),
  });
  const directory = new EnteDirectory(db);
  const sealKey = await platformSecret(db, 'seal');
  await identityModule(app, { db, sealKey, timeouts: config.session, secureCookies });
  await tenancyModule(app, { db, directory, hostRouter, publicUrl: config.publicUrl });
  await sadModule(app, { db, worker });

  // The listener stays open while draining, so a load balancer sees 503s (and /readyz failing)
  // rather than refused connections; it closes once in-flight requests are done.
  const shutdown = async () => {
    lifecycle.draining = true;
    await worker.stop();
    await drained(lifecycle, config.shutdownGraceMs);
    await app.close();
  };
  return { app, worker, lifecycle, shutdown };
}
