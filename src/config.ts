// The only reader of process.env: one typed, frozen object, validated once at boot.
import os from 'node:os';
import path from 'node:path';

export type Aggregation = 'venezia' | 'treviso' | 'bologna';
export const AGGREGATIONS: readonly Aggregation[] = ['venezia', 'treviso', 'bologna'];

export interface Config {
  /** Address the HTTP server binds to; loopback unless told otherwise. */
  host: string;
  port: number;
  /** Public base URL, used in links, cookies (Secure when https) and the OpenAPI servers list. */
  publicUrl: string;
  /** PostgreSQL server; when absent the embedded PGlite database under dataDir is used. */
  databaseUrl: string | null;
  /** Connections to the PostgreSQL server per process (each open transaction holds one). */
  databasePoolSize: number;
  dataDir: string;
  /** Demo aggregation loaded into an empty database at start ('none' to start empty). */
  demoSeed: Aggregation | 'none';
  logLevel: string;
  bodyLimitBytes: number;
  rateLimit: { max: number; windowMs: number };
  shutdownGraceMs: number;
  trustProxy: boolean;
  jobs: { worker: boolean; pollMs: number; concurrency: number };
  /**
   * Worker threads that render and seal certificate PDFs beside the event loop (0: on the event loop).
   * Default: one per core but the event loop's, at most 4 (1 on 2 cores: docs/adr/0011-worker-threads.md).
   */
  certificatesRenderThreads: number;
  /** Sessions end after this long without use, and in any case this long after login. */
  session: { idleSeconds: number; absoluteSeconds: number };
  /**
   * Local stand-ins for the national platforms (test SPID/CIE providers…), labelled "ambiente di test".
   * On by default for the demo; production sets SANDBOX=false and configures the real providers.
   */
  sandbox: boolean;
  /** Issuers of the SPID and CIE OpenID Providers when the sandbox is off. */
  oidcIssuers: { spid: string | null; cie: string | null };
  /** What the platform's OpenID Federation entity configuration says of itself. */
  federation: {
    organizationName: string;
    contacts: string[];
    authorityHints: string[];
    trustMarks: { id: string; trust_mark: string }[];
    /** The trust anchor SPID/CIE providers are verified against (id and public keys), when not the sandbox's. */
    trustAnchor: { id: string; jwks: { keys: Record<string, unknown>[] } } | null;
  };
  /**
   * SPID over SAML 2.0: the service provider's identity (public-sector SP, Avviso 29 v3), its key and
   * certificate files (generated and kept in the database when absent), and the identity providers'
   * metadata file (the SPID registry's aggregated metadata).
   */
  spidSaml: {
    entityId: string;
    ipaCode: string;
    organizationName: string;
    email: string;
    phone: string | null;
    locality: string;
    keyFile: string | null;
    certFile: string | null;
    idpMetadataFile: string | null;
  };
  /** Secret for signed cookies; when absent one is generated and kept in the database. */
  cookieSecret: string | null;
  /**
   * Outgoing e-mail: the SMTP server (smtp:// or smtps:// URL) and the sender. Without a server the
   * sandbox's test mailbox receives the mail, which is allowed only with the sandbox on.
   */
  mail: { smtpUrl: string | null; from: string };
  /**
   * pagoPA: base URLs of GPD (debt positions), its receipts service and Checkout, and the key pagoPA's
   * receipt notifications carry. With the sandbox on they default to the sandbox's stand-ins and the key
   * to a generated platform secret (null here); with it off they default to pagoPA's production APIs and
   * the key is required. null when the sandbox is off and no PAGOPA_* variable is set: no payments.
   */
  pagopa: { gpdUrl: string; receiptsUrl: string; checkoutUrl: string; notificationKey: string | null } | null;
  /**
   * PEM bundle of the CA certificates (e.g. the qualified trust service providers' of the enti's seals)
   * that a certificate's seal must chain to on the public verification page, on top of being one of its
   * ente's own seals. null: the enti's seal histories alone.
   */
  certificatesTrustAnchorsFile: string | null;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function trustMarks(raw: string | undefined): { id: string; trust_mark: string }[] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as { id: string; trust_mark: string }[];
    if (
      Array.isArray(parsed) &&
      parsed.every((m) => typeof m.id === 'string' && typeof m.trust_mark === 'string')
    ) {
      return parsed;
    }
  } catch {}
  throw new ConfigError('FEDERATION_TRUST_MARKS must be a JSON array of {"id", "trust_mark"} objects');
}

function mailSettings(env: Env, sandbox: boolean, publicUrl: string): Config['mail'] {
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl === null && !sandbox) {
    throw new ConfigError(
      'SMTP_URL is required when SANDBOX=false: the platform sends e-mail (invitations, password reset, ' +
        'e-mail verification) through it, e.g. smtps://user:password@smtp.example.it:465',
    );
  }
  if (smtpUrl !== null) {
    let protocol = '';
    try {
      protocol = new URL(smtpUrl).protocol;
    } catch {}
    // The URL may hold a password: never repeat it in the message.
    if (protocol !== 'smtp:' && protocol !== 'smtps:') {
      throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL');
    }
  }
  const from = env.MAIL_FROM || `Convergenza <noreply@${new URL(publicUrl).hostname}>`;
  if (!/^([^<>\r\n]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/.test(from)) {
    throw new ConfigError(`MAIL_FROM must be an address or "Name <address>", got "${from}"`);
  }
  return Object.freeze({ smtpUrl, from });
}

function pagopaSettings(env: Env, sandbox: boolean, publicUrl: string): Config['pagopa'] {
  const names = ['PAGOPA_GPD_URL', 'PAGOPA_RECEIPTS_URL', 'PAGOPA_CHECKOUT_URL', 'PAGOPA_NOTIFICATION_KEY'];
  if (!sandbox && names.every((name) => !env[name])) return null;
  const base = sandbox ? `${publicUrl}/sandbox/pagopa` : 'https://api.platform.pagopa.it';
  const url = (name: string, path: string) => {
    const value = (env[name] || `${base}${path}`).replace(/\/+$/, '');
    let protocol = '';
    try {
      protocol = new URL(value).protocol;
    } catch {}
    if (protocol !== 'https:' && !(sandbox && protocol === 'http:')) {
      throw new ConfigError(`${name} must be an https:// URL, got "${value}"`);
    }
    return value;
  };
  const notificationKey = env.PAGOPA_NOTIFICATION_KEY || null;
  if (notificationKey === null && !sandbox) {
    throw new ConfigError(
      'PAGOPA_NOTIFICATION_KEY is required when SANDBOX=false and payments are configured: pagoPA sends it ' +
        'with every receipt notification (at least 32 characters)',
    );
  }
  if (notificationKey !== null && notificationKey.length < 32) {
    throw new ConfigError('PAGOPA_NOTIFICATION_KEY must be at least 32 characters');
  }
  return Object.freeze({
    gpdUrl: url('PAGOPA_GPD_URL', '/gpd/debt-positions-service/v1'),
    receiptsUrl: url('PAGOPA_RECEIPTS_URL', '/gpd/payments-receipts-service/v1'),
    // The API host: the Checkout client adds /checkout/ec/v1/carts.
    checkoutUrl: url('PAGOPA_CHECKOUT_URL', ''),
    notificationKey,
  });
}

function trustAnchor(id: string | undefined, jwks: string | undefined) {
  if (!id && !jwks) return null;
  try {
    const parsed = JSON.parse(jwks ?? '') as { keys: Record<string, unknown>[] };
    if (id && Array.isArray(parsed.keys) && parsed.keys.length > 0) return { id, jwks: parsed };
  } catch {}
  throw new ConfigError(
    'FEDERATION_TRUST_ANCHOR needs FEDERATION_TRUST_ANCHOR_JWKS, a JWK set with the anchor keys',
  );
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const port = int(env, 'PORT', 3000, 0);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL is not a URL: "${publicUrl}"`);
  }
  const demoSeed = (env.DEMO_SEED || 'venezia') as Config['demoSeed'];
  if (demoSeed !== 'none' && !AGGREGATIONS.includes(demoSeed)) {
    throw new ConfigError(`DEMO_SEED must be one of none, ${AGGREGATIONS.join(', ')}; got "${demoSeed}"`);
  }
  const sandbox = bool(env, 'SANDBOX', true);
  const mail = mailSettings(env, sandbox, publicUrl);
  if (env.SPID_IDP_METADATA_FILE && !sandbox && !env.SPID_SP_IPA_CODE) {
    throw new ConfigError(
      'SPID_SP_IPA_CODE is required with SPID_IDP_METADATA_FILE (SPID service provider metadata)',
    );
  }
  const cookieSecret = env.COOKIE_SECRET || null;
  if (cookieSecret !== null && cookieSecret.length < 32) {
    throw new ConfigError('COOKIE_SECRET must be at least 32 characters');
  }
  return Object.freeze({
    host,
    port,
    publicUrl,
    databaseUrl: env.DATABASE_URL || null,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1),
    dataDir: path.resolve(env.DATA_DIR || './data'),
    demoSeed,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    rateLimit: Object.freeze({
      max: int(env, 'RATE_LIMIT_MAX', 300, 1),
      windowMs: int(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000),
    }),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    jobs: Object.freeze({
      worker: bool(env, 'JOBS_WORKER', true),
      pollMs: int(env, 'JOBS_POLL_MS', 1000, 10),
      concurrency: int(env, 'JOBS_CONCURRENCY', 4, 1),
    }),
    certificatesRenderThreads: int(
      env,
      'CERTIFICATES_RENDER_THREADS',
      Math.min(4, Math.max(1, os.availableParallelism() - 1)),
      0,
    ),
    sandbox,
    oidcIssuers: Object.freeze({ spid: env.SPID_OIDC_ISSUER || null, cie: env.CIE_OIDC_ISSUER || null }),
    federation: Object.freeze({
      organizationName: env.FEDERATION_ORGANIZATION_NAME || 'Convergenza',
      contacts: list(env.FEDERATION_CONTACTS),
      authorityHints: list(env.FEDERATION_AUTHORITY_HINTS),
      trustMarks: trustMarks(env.FEDERATION_TRUST_MARKS),
      trustAnchor: trustAnchor(env.FEDERATION_TRUST_ANCHOR, env.FEDERATION_TRUST_ANCHOR_JWKS),
    }),
    session: Object.freeze({
      idleSeconds: int(env, 'SESSION_IDLE_MINUTES', 30, 1) * 60,
      absoluteSeconds: int(env, 'SESSION_ABSOLUTE_HOURS', 8, 1) * 3600,
    }),
    spidSaml: Object.freeze({
      entityId: env.SPID_SP_ENTITY_ID || publicUrl,
      ipaCode: env.SPID_SP_IPA_CODE || 'demo_sad',
      organizationName: env.SPID_SP_ORGANIZATION_NAME || env.FEDERATION_ORGANIZATION_NAME || 'Convergenza',
      email: env.SPID_SP_EMAIL || `spid@${new URL(publicUrl).hostname}`,
      phone: env.SPID_SP_PHONE || null,
      locality: env.SPID_SP_LOCALITY || 'Venezia',
      keyFile: env.SPID_SP_KEY_FILE || null,
      certFile: env.SPID_SP_CERT_FILE || null,
      idpMetadataFile: env.SPID_IDP_METADATA_FILE || null,
    }),
    cookieSecret,
    mail,
    pagopa: pagopaSettings(env, sandbox, publicUrl),
    certificatesTrustAnchorsFile: env.CERTIFICATES_TRUST_ANCHORS_FILE
      ? path.resolve(env.CERTIFICATES_TRUST_ANCHORS_FILE)
      : null,
  });
}

/** Reads a variable for test and benchmark harnesses, which live outside src/ but share the rule. */
export function testEnv(name: string): string | undefined {
  return process.env[name] || undefined;
}
