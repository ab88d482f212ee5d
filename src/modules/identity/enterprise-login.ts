// Operators' login with their ente's own identity provider over OpenID Connect (authorization code,
// PKCE S256, state and nonce, client_secret_basic or client_secret_post; openid-client). The provider
// only vouches for a person: the staff account must already exist (invited) and hold grants on that
// ente alone, so a provider configured by one ente can never open another ente's doors. Nothing (no
// account, no grant) is created from what a provider says. No SQL (the repository holds it).
import * as oidc from 'openid-client';
import { recordAudit } from '../../platform/audit/audit.ts';
import { newToken } from '../../platform/auth/sessions.repo.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { assertPublicHost } from '../../platform/http/public-host.ts';
import { seal, unseal } from './credentials.ts';
import * as identityRepo from './identity.repo.ts';
import { type IdentityDeps, mayPostponeTotp, startSession } from './identity.service.ts';
import * as repo from './staff.repo.ts';
import { ENTE_ROLES } from './staff-admin.ts';

const PENDING_TTL = 10 * 60;
const CHALLENGE_TTL = 5 * 60;
const DISCOVERY_TTL_MS = 10 * 60_000;
const FAILURE_TTL_MS = 60_000;
export const ENTERPRISE_METHOD = 'enterprise-oidc';

export interface EnterpriseLoginDeps extends IdentityDeps {
  publicUrl: string;
  /** Plain-http issuers: only the sandbox's test provider; never in production. */
  allowHttpIssuers: boolean;
  clients: EnterpriseClients;
}

export const enterpriseRedirectUri = (publicUrl: string) => `${publicUrl}/accedi/operatori/ente/callback`;

/** What the ente admin sees of the configuration: never the secret. */
export interface IdpSettings {
  issuer: string;
  clientId: string;
  clientAuthMethod: repo.ClientAuthMethod;
  allowedDomain: string | null;
}

/** The providers' discovered metadata, per ente and configuration version, for a few minutes. */
export class EnterpriseClients {
  #configs = new Map<string, { config: Promise<oidc.Configuration>; until: number }>();

  constructor(private readonly options: { publicUrl: string; allowHttpIssuers: boolean; sealKey: string }) {}

  configuration(idp: repo.IdpRow): Promise<oidc.Configuration> {
    const key = `${idp.enteId}|${idp.updatedAt.getTime()}`;
    const cached = this.#configs.get(key);
    if (cached && cached.until > Date.now()) return cached.config;
    for (const [old, entry] of this.#configs) if (entry.until <= Date.now()) this.#configs.delete(old);
    const config = this.#discover(idp);
    this.#configs.set(key, { config, until: Date.now() + DISCOVERY_TTL_MS });
    // A provider that failed is not asked again for a minute (each login attempt would otherwise).
    config.catch(() => this.#configs.set(key, { config, until: Date.now() + FAILURE_TTL_MS }));
    return config;
  }

  async #discover(idp: repo.IdpRow): Promise<oidc.Configuration> {
    const insecure = idp.issuer.startsWith('http://');
    if (!this.options.allowHttpIssuers) {
      if (insecure) throw new Error('plain http issuers are not allowed');
      // An admin typed this address: it must not lead into the installation's own network.
      await assertPublicHost(new URL(idp.issuer).hostname);
    }
    const secret = unseal(idp.clientSecret, this.options.sealKey);
    const auth =
      idp.clientAuthMethod === 'client_secret_post'
        ? oidc.ClientSecretPost(secret)
        : oidc.ClientSecretBasic(secret);
    const config = await oidc.discovery(
      new URL(idp.issuer),
      idp.clientId,
      { redirect_uris: [enterpriseRedirectUri(this.options.publicUrl)], response_types: ['code'] },
      auth,
      { timeout: 10, ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}) },
    );
    // Check the provider's signature on the ID token too, not only its claims.
    oidc.enableNonRepudiationChecks(config);
    return config;
  }
}

export async function idpSettings(deps: IdentityDeps, enteId: string): Promise<IdpSettings | null> {
  const idp = await withTenant(deps.db, enteId, (trx) => repo.findIdp(trx, enteId));
  if (!idp) return null;
  const { issuer, clientId, clientAuthMethod, allowedDomain } = idp;
  return { issuer, clientId, clientAuthMethod, allowedDomain };
}

/** Saves the ente's provider; the secret is sealed, and an empty one keeps the stored secret. */
export async function saveIdp(
  deps: IdentityDeps,
  actor: { subject: string; requestId?: string },
  enteId: string,
  settings: IdpSettings & { clientSecret: string | null },
): Promise<void> {
  await withTenant(deps.db, enteId, async (trx) => {
    const before = await repo.findIdp(trx, enteId);
    const sealed = settings.clientSecret ? seal(settings.clientSecret, deps.sealKey) : before?.clientSecret;
    if (!sealed) throw new Error('a client secret is required');
    const { issuer, clientId, clientAuthMethod, allowedDomain } = settings;
    await repo.saveIdp(
      trx,
      { enteId, issuer, clientId, clientSecret: sealed, clientAuthMethod, allowedDomain },
      actor.subject,
    );
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: before ? 'enterprise-idp.update' : 'enterprise-idp.create',
      targetType: 'ente',
      targetId: enteId,
      requestId: actor.requestId ?? null,
      content: { issuer, clientId, clientAuthMethod, allowedDomain, secretChanged: !!settings.clientSecret },
    });
  });
}

export async function removeIdp(
  deps: IdentityDeps,
  actor: { subject: string; requestId?: string },
  enteId: string,
): Promise<void> {
  await withTenant(deps.db, enteId, async (trx) => {
    if (!(await repo.deleteIdp(trx, enteId))) return;
    await recordAudit(trx, {
      enteId,
      actor: actor.subject,
      action: 'enterprise-idp.remove',
      targetType: 'ente',
      targetId: enteId,
      requestId: actor.requestId ?? null,
    });
  });
}

/** The enti whose operators can log in with their ente's provider. */
export const enterpriseLoginEnti = (deps: IdentityDeps) => repo.enteIdsWithIdp(deps.db);

interface PendingEnterpriseLogin {
  kind: 'enterprise';
  enteId: string;
  issuer: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
}

/** Where to send the browser; null when the ente has no provider, 'unavailable' when it does not answer. */
export async function beginEnterpriseLogin(
  deps: EnterpriseLoginDeps,
  enteId: string,
  next: string,
): Promise<{ redirect: string; cookie: string } | null | 'unavailable'> {
  const idp = await withTenant(deps.db, enteId, (trx) => repo.findIdp(trx, enteId));
  if (!idp) return null;
  const config = await deps.clients.configuration(idp).catch(() => null);
  if (!config) return 'unavailable';
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const pending: PendingEnterpriseLogin = {
    kind: 'enterprise',
    enteId,
    issuer: idp.issuer,
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier,
    next,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: enterpriseRedirectUri(deps.publicUrl),
    response_type: 'code',
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  const cookie = newToken();
  await identityRepo.insertPendingLogin(deps.db, cookie, { ...pending }, PENDING_TTL);
  return { redirect: url.href, cookie };
}

export type EnterpriseRefusal =
  | 'expired'
  | 'denied'
  | 'invalid'
  | 'unverified'
  | 'unknown'
  | 'domain'
  | 'second-factor';

export type EnterpriseLoginResult =
  | { kind: 'signed-in'; session: string; next: string }
  | { kind: 'totp'; challenge: string; next: string }
  | { kind: 'refused'; reason: EnterpriseRefusal; next: string };

export async function completeEnterpriseLogin(
  deps: EnterpriseLoginDeps,
  cookie: string | undefined,
  callbackUrl: URL,
  userAgent?: string,
): Promise<EnterpriseLoginResult> {
  const taken = cookie ? await identityRepo.takePendingLogin(deps.db, cookie) : undefined;
  const pending = taken?.kind === 'enterprise' ? (taken as unknown as PendingEnterpriseLogin) : null;
  if (!pending) return { kind: 'refused', reason: 'expired', next: '/' };
  const { enteId, next } = pending;
  const refuse = async (reason: EnterpriseRefusal, detail?: string): Promise<EnterpriseLoginResult> => {
    await auditFailure(deps, enteId, reason, detail);
    return { kind: 'refused', reason, next };
  };
  if (callbackUrl.searchParams.has('error')) return refuse('denied');
  const idp = await withTenant(deps.db, enteId, (trx) => repo.findIdp(trx, enteId));
  // The provider was removed or replaced while the person was logging in.
  if (!idp || idp.issuer !== pending.issuer) return refuse('invalid', 'provider changed');
  let claims: Record<string, unknown>;
  try {
    const config = await deps.clients.configuration(idp);
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedNonce: pending.nonce,
      expectedState: pending.state,
      idTokenExpected: true,
    });
    const idToken = tokens.claims()!;
    // Claims asked for by scope often come only from the userinfo endpoint; the ID token's win.
    const info = config.serverMetadata().userinfo_endpoint
      ? await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)
      : {};
    claims = { ...info, ...idToken };
  } catch (error) {
    return refuse('invalid', String((error as Error).message).slice(0, 200));
  }
  const subject = String(claims.sub);
  const provider = `enterprise:${idp.issuer}`;
  const email = typeof claims.email === 'string' ? claims.email.trim() : null;
  const domain = idp.allowedDomain;
  if (domain && email && !inDomain(email, domain)) return refuse('domain');
  // A linked provider identity first; else the verified e-mail address of an invited account.
  const linked = await repo.userOfIdentity(deps.db, provider, subject);
  if (!linked && !(email && claims.email_verified === true)) return refuse('unverified');
  const account = linked
    ? await identityRepo.findStaffById(deps.db, linked)
    : await identityRepo.findStaffByEmail(deps.db, email!);
  const grants = account ? await identityRepo.grantsOf(deps.db, account.userId) : [];
  // Only roles an ente admin could grant: the ente that configured the provider must not be able to
  // vouch for a SAD admin (whose grant sits on the SAD's own ente).
  const outside = (g: (typeof grants)[number]) =>
    g.enteId !== enteId || !(ENTE_ROLES as readonly string[]).includes(g.role);
  if (!account || grants.length === 0 || grants.some(outside)) return refuse('unknown');
  if (domain && !inDomain(account.email, domain)) return refuse('domain');
  await repo.linkIdentity(deps.db, provider, subject, account.userId);
  // Admins need a second factor: the provider's own (amr says so), or the platform's TOTP code.
  const amr = Array.isArray(claims.amr) ? claims.amr : [];
  const strong = amr.includes('mfa') || amr.includes('otp');
  if (!strong && !(await mayPostponeTotp(deps, account.userId))) {
    if (!account.totpConfirmed) return refuse('second-factor');
    const challenge = newToken();
    await identityRepo.insertToken(deps.db, {
      token: challenge,
      purpose: 'totp-challenge',
      userId: account.userId,
      ttlSeconds: CHALLENGE_TTL,
      data: { method: ENTERPRISE_METHOD },
    });
    return { kind: 'totp', challenge, next };
  }
  const { session } = await startSession(deps, account, ENTERPRISE_METHOD, userAgent, { provider, subject });
  return { kind: 'signed-in', session, next };
}

function inDomain(email: string, domain: string): boolean {
  return email.toLowerCase().endsWith(`@${domain.toLowerCase()}`);
}

/** A refused login goes to the chain of the ente whose provider was used; no personal data in it. */
async function auditFailure(deps: IdentityDeps, enteId: string, reason: EnterpriseRefusal, detail?: string) {
  await withTenant(deps.db, enteId, (trx) =>
    recordAudit(trx, {
      enteId,
      actor: 'anonymous',
      action: 'auth.login-failed',
      targetType: 'user',
      targetId: null,
      content: { method: ENTERPRISE_METHOD, reason, ...(detail ? { error: detail } : {}) },
    }),
  );
}
