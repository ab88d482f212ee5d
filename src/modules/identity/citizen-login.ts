// Citizens' login with SPID or CIE over OpenID Connect: remembers the pending login, verifies the
// provider's answer, finds or creates the platform user by (provider, subject), opens the session and
// keeps the provider's token to revoke it at logout. No HTTP, no SQL.
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Principal } from '../../platform/auth/policy.ts';
import {
  createSession,
  newToken,
  providerTokenOf,
  setProviderToken,
} from '../../platform/auth/sessions.repo.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { seal, unseal } from './credentials.ts';
import * as repo from './identity.repo.ts';
import type { IdentityDeps } from './identity.service.ts';
import type { PendingLogin, RelyingParty } from './oidc-rp.ts';

const PENDING_TTL = 10 * 60;

export interface CitizenLoginDeps extends IdentityDeps {
  rp: RelyingParty;
  /** The ente whose audit chain records a login that started from this path. */
  enteForPath: (path: string) => Promise<string>;
}

export async function beginCitizenLogin(
  deps: CitizenLoginDeps,
  provider: 'spid' | 'cie',
  next: string,
  level: number,
): Promise<{ redirect: string; cookie: string }> {
  const { url, pending } = await deps.rp.start(provider, next, level);
  const cookie = newToken();
  await repo.insertPendingLogin(deps.db, cookie, { ...pending }, PENDING_TTL);
  return { redirect: url, cookie };
}

export type CitizenLoginResult =
  | { kind: 'signed-in'; session: string; principal: Principal; next: string; lang: 'it' | 'en' }
  | { kind: 'failed'; reason: 'expired' | 'denied' | 'invalid'; next: string };

export async function completeCitizenLogin(
  deps: CitizenLoginDeps,
  cookie: string | undefined,
  callbackUrl: URL,
  userAgent?: string,
): Promise<CitizenLoginResult> {
  const pending = cookie
    ? ((await repo.takePendingLogin(deps.db, cookie)) as PendingLogin | undefined)
    : undefined;
  if (!pending) return { kind: 'failed', reason: 'expired', next: '/' };
  const enteId = await deps.enteForPath(pending.next);
  if (callbackUrl.searchParams.has('error')) {
    await auditLogin(deps, enteId, 'auth.login-failed', null, {
      provider: pending.provider,
      error: 'denied',
    });
    return { kind: 'failed', reason: 'denied', next: pending.next };
  }
  let verified: Awaited<ReturnType<RelyingParty['finish']>>;
  try {
    verified = await deps.rp.finish(pending, callbackUrl);
  } catch (error) {
    await auditLogin(deps, enteId, 'auth.login-failed', null, {
      provider: pending.provider,
      error: String((error as Error).message).slice(0, 200),
    });
    return { kind: 'failed', reason: 'invalid', next: pending.next };
  }
  const { token, principal, lang } = await openCitizenSession(deps, {
    enteId,
    identity: { provider: `oidc:${deps.rp.issuerOf(pending.provider)}`, subject: verified.subject },
    claims: verified.claims,
    method: `${pending.provider}-oidc`,
    acr: verified.acr,
    userAgent,
  });
  await setProviderToken(
    deps.db,
    token,
    seal(JSON.stringify({ provider: pending.provider, accessToken: verified.accessToken }), deps.sealKey),
  );
  return { kind: 'signed-in', session: token, principal, next: pending.next, lang };
}

/** Finds or creates the citizen by (provider, subject), opens the session and audits the login. */
export async function openCitizenSession(
  deps: IdentityDeps,
  login: {
    enteId: string;
    identity: { provider: string; subject: string };
    claims: Parameters<typeof repo.upsertCitizen>[2] extends infer P ? Omit<P, 'displayName'> : never;
    method: string;
    acr: string | undefined;
    userAgent: string | undefined;
  },
): Promise<{ token: string; principal: Principal; lang: 'it' | 'en' }> {
  const { claims, method, userAgent } = login;
  const displayName = [claims.givenName, claims.familyName].filter(Boolean).join(' ') || 'Cittadino';
  const userId = await repo.upsertCitizen(deps.db, login.identity, { displayName, ...claims });
  const principal: Principal = { subject: userId, userId, displayName, grants: [{ role: 'citizen' }] };
  const { token } = await createSession(deps.db, { principal, userId, method, userAgent }, deps.timeouts);
  await auditLogin(deps, login.enteId, 'auth.login', userId, { method, acr: login.acr });
  return { token, principal, lang: await repo.userLang(deps.db, userId) };
}

/** Revokes the provider's access token of a citizen session (best effort: logout goes on anyway). */
export async function revokeProviderToken(deps: CitizenLoginDeps, sessionId: string): Promise<boolean> {
  const sealed = await providerTokenOf(deps.db, sessionId);
  if (!sealed) return false;
  const { provider, accessToken } = JSON.parse(unseal(sealed, deps.sealKey)) as {
    provider: string;
    accessToken: string;
  };
  try {
    await deps.rp.revoke(provider, accessToken);
    return true;
  } catch {
    return false;
  }
}

export async function auditLogin(
  deps: IdentityDeps,
  enteId: string,
  action: string,
  userId: string | null,
  content: Record<string, unknown>,
) {
  await withTenant(deps.db, enteId, (trx) =>
    recordAudit(trx, {
      enteId,
      actor: userId ?? 'anonymous',
      action,
      targetType: 'user',
      targetId: userId,
      content,
    }),
  );
}
