// Builds the Fastify application: platform plugins first, then every module.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Config, ConfigError } from './config.ts';
import type { Database } from './platform/db/database.ts';
import { registerApiConventions } from './platform/http/api.ts';
import { registerErrorHandling } from './platform/http/error-handler.tsx';
import { drained, type Lifecycle, registerOperations } from './platform/http/operations.ts';
import { genRequestId, registerRequestContext } from './platform/http/request-context.ts';
import { registerSecurity } from './platform/http/security.ts';
import './platform/http/types.ts';
import type { ClientMetadata } from 'oidc-provider';
import {
  certificatesModule,
  registerCertificateJobs,
  startCertificateRendering,
} from './modules/certificates/index.ts';
import {
  createServiceProvider,
  enterpriseRedirectUri,
  entityConfiguration,
  identityModule,
  type OidcProviderConfig,
  parseIdpMetadata,
  RelyingParty,
  type RpOptions,
  rpMetadata,
} from './modules/identity/index.ts';
import { paymentsModule } from './modules/payments/index.ts';
import { localRegistry, registryPages } from './modules/registry/index.ts';
import { sadModule } from './modules/sad/index.ts';
import { EnteDirectory, enteForPath, HostRouter, tenancyModule } from './modules/tenancy/index.ts';
import { JobWorker } from './platform/jobs/jobs.ts';
import { platformKeyPair } from './platform/keys.ts';
import { type MailTransport, registerMailDelivery } from './platform/mail/mail.ts';
import { smtpTransport } from './platform/mail/smtp.ts';
import { platformSecret } from './platform/secrets.repo.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The SPID and CIE providers citizens log in with: the test ones of the sandbox, or the configured ones. */
function oidcProviders(config: Readonly<Config>): OidcProviderConfig[] {
  if (config.sandbox) {
    return [
      { id: 'spid', label: 'SPID (ambiente di test)', issuer: `${config.publicUrl}/sandbox/spid` },
      { id: 'cie', label: 'CIE (ambiente di test)', issuer: `${config.publicUrl}/sandbox/cie` },
    ];
  }
  const { spid, cie } = config.oidcIssuers;
  return [
    ...(spid ? [{ id: 'spid' as const, label: 'SPID', issuer: spid }] : []),
    ...(cie ? [{ id: 'cie' as const, label: 'CIE', issuer: cie }] : []),
  ];
}

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
  // E-mail goes to the SMTP server; without one (allowed only with the sandbox on: see config.ts) to the
  // sandbox's test mailbox, loaded only then, like the test identity providers below.
  let mailTransport: MailTransport;
  if (config.mail.smtpUrl) {
    mailTransport = smtpTransport(config.mail.smtpUrl);
  } else if (config.sandbox) {
    const { sandboxMailbox } = await import('./sandbox/mailbox/index.tsx');
    mailTransport = sandboxMailbox(app, { db });
  } else {
    throw new ConfigError('SMTP_URL is required when SANDBOX=false');
  }
  registerMailDelivery(worker, { db, transport: mailTransport, from: config.mail.from });
  app.addHook('onClose', async () => mailTransport.close?.());
  const directory = new EnteDirectory(db);
  const sealKey = await platformSecret(db, 'seal');
  // SPID/CIE providers are trusted through the federation: the sandbox's test trust anchor in the demo,
  // the configured one in production (or plain discovery when none is configured).
  const sandboxAnchorKey = config.sandbox ? await platformKeyPair(db, 'sandbox-trust-anchor', 'RS256') : null;
  const trustAnchor = sandboxAnchorKey
    ? { id: `${config.publicUrl}/sandbox/ta`, jwks: { keys: [sandboxAnchorKey.publicJwk] } }
    : (config.federation.trustAnchor as RpOptions['trustAnchor']);
  const rpKeys: RpOptions = {
    publicUrl: config.publicUrl,
    signing: await platformKeyPair(db, 'rp-signing', 'RS256'),
    encryption: await platformKeyPair(db, 'rp-encryption', 'RSA-OAEP-256'),
    trustAnchor,
  };
  const rp = new RelyingParty(rpKeys, oidcProviders(config));
  const federation = {
    ...config.federation,
    authorityHints:
      config.federation.authorityHints.length > 0 || !trustAnchor
        ? config.federation.authorityHints
        : [trustAnchor.id],
    key: await platformKeyPair(db, 'rp-federation', 'RS256'),
  };
  const rpEntityConfiguration = () => entityConfiguration(rpKeys, federation);
  // SPID over SAML: the registry's identity providers, and the test provider when the sandbox is on.
  const samlSandbox = config.sandbox ? await import('./sandbox/saml-idp/index.tsx') : null;
  const samlIdpKeys = samlSandbox ? await samlSandbox.samlSandboxKeys(db) : null;
  const sp = await createServiceProvider(
    db,
    config.spidSaml,
    config.publicUrl,
    samlSandbox && samlIdpKeys
      ? parseIdpMetadata(samlSandbox.samlSandboxMetadata({ publicUrl: config.publicUrl, ...samlIdpKeys }))
      : [],
  );
  await identityModule(app, {
    db,
    sealKey,
    timeouts: config.session,
    secureCookies,
    publicUrl: config.publicUrl,
    rp,
    entityConfiguration: rpEntityConfiguration,
    enteForPath: (path) => enteForPath(db, directory, path),
    ...(sp ? { sp } : {}),
    directory,
    allowHttpIssuers: config.sandbox,
  });
  if (samlSandbox && samlIdpKeys && sp) {
    await samlSandbox.samlSandbox(app, {
      publicUrl: config.publicUrl,
      ...samlIdpKeys,
      sp: {
        entityId: sp.options.entityId,
        acsUrl: sp.options.acsUrl,
        certPem: sp.options.certPem,
        attributes: sp.options.attributes,
      },
    });
  }
  if (sandboxAnchorKey) {
    // Loaded only when on: production never loads the sandbox or its test provider library.
    const { oidcSandbox } = await import('./sandbox/oidc-op/index.tsx');
    await oidcSandbox(app, {
      publicUrl: config.publicUrl,
      signingKey: (await platformKeyPair(db, 'sandbox-op-signing', 'RS256')).privateJwk,
      cookieKey: await platformSecret(db, 'sandbox-op-cookie'),
      clients: async () => [rpMetadata(rpKeys) as ClientMetadata],
      federationKey: await platformKeyPair(db, 'sandbox-op-federation', 'RS256'),
      trustAnchorKey: sandboxAnchorKey,
      relyingParty: { id: `${config.publicUrl}/oidc/rp`, entityConfiguration: rpEntityConfiguration },
    });
  }
  if (config.sandbox) {
    // The test identity provider of an ente, for operators' enterprise login (loaded only when on).
    const { enterpriseSandbox } = await import('./sandbox/enterprise-op/index.tsx');
    await enterpriseSandbox(app, {
      publicUrl: config.publicUrl,
      signingKey: (await platformKeyPair(db, 'sandbox-enterprise-op-signing', 'RS256')).privateJwk,
      cookieKey: await platformSecret(db, 'sandbox-op-cookie'),
      clientSecret: await platformSecret(db, 'sandbox-enterprise-client'),
      redirectUri: enterpriseRedirectUri(config.publicUrl),
    });
  }
  if (config.sandbox && config.pagopa) {
    // The pagoPA stand-in (GPD, receipts, Checkout), loaded only when on: it accepts the subscription key
    // kept as the platform secret 'sandbox-pagopa-subscription' and delivers receipts to this platform.
    const { pagopaSandbox } = await import('./sandbox/pagopa/index.ts');
    await pagopaSandbox(app, {
      db,
      worker,
      publicUrl: config.publicUrl,
      subscriptionKey: await platformSecret(db, 'sandbox-pagopa-subscription'),
      notification: {
        url: `${config.publicUrl}/api/v1/payments/receipts`,
        key: config.pagopa.notificationKey ?? (await platformSecret(db, 'pagopa-notification')),
      },
      jobEnte: () => enteForPath(db, directory, '/'),
    });
  }
  await tenancyModule(app, { db, directory, hostRouter, publicUrl: config.publicUrl });
  await registryPages(app, { db, worker, directory });
  const payments = await paymentsModule(app, {
    db,
    worker,
    directory,
    publicUrl: config.publicUrl,
    sealKey,
    // Without a configured key (the sandbox), the key is a platform secret the sandbox is given too.
    pagopa: config.pagopa && {
      ...config.pagopa,
      notificationKey: config.pagopa.notificationKey ?? (await platformSecret(db, 'pagopa-notification')),
    },
    schedule: config.jobs.worker,
  });
  const certificates = {
    db,
    sealKey,
    sandbox: config.sandbox,
    registry: localRegistry(db),
    publicUrl: config.publicUrl,
  };
  // A certificate waiting for its stamp duty is issued when the payment arrives.
  registerCertificateJobs(payments, certificates);
  // Certificates are rendered and sealed on worker threads (ADR 0011), stopped with the app.
  app.addHook('onClose', startCertificateRendering(config.certificatesRenderThreads));
  await certificatesModule(app, {
    ...certificates,
    directory,
    trustAnchorsFile: config.certificatesTrustAnchorsFile,
  });
  await sadModule(app, {
    db,
    worker,
    identity: { db, sealKey, timeouts: config.session, publicUrl: config.publicUrl },
    publicUrl: config.publicUrl,
  });

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
