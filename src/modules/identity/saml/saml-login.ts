// Citizens' login with SPID over SAML 2.0: sends the signed AuthnRequest, checks the response at the
// assertion consumer (claiming its request first, so each request is answered once), then lets the
// browser that started the login collect the identity and open the session. No HTTP.
import { newToken } from '../../../platform/auth/sessions.repo.ts';
import { auditLogin, openCitizenSession } from '../citizen-login.ts';
import type { IdentityDeps } from '../identity.service.ts';
import * as repo from './saml.repo.ts';
import type { SpidServiceProvider } from './service-provider.ts';
import { inResponseToOf, SpidAnomaly, validateSpidResponse } from './spid-response.ts';
import { XmlRejected } from './xml.ts';

const PENDING_TTL = 10 * 60;

export interface SamlLoginDeps extends IdentityDeps {
  sp: SpidServiceProvider;
  enteForPath: (path: string) => Promise<string>;
  /** Tolerated clock difference with identity providers. */
  clockSkewMs?: number;
}

export async function beginSamlLogin(
  deps: SamlLoginDeps,
  idpEntityId: string,
  next: string,
  level: 1 | 2 | 3,
): Promise<{ redirect: string; cookie: string } | undefined> {
  const idp = deps.sp.idp(idpEntityId);
  if (!idp) return undefined;
  const cookie = newToken();
  // RelayState is opaque: a fresh random value, never the return address.
  const { id, issuedAt, url } = deps.sp.authnRequest(idp, level, newToken().slice(0, 16));
  await repo.insertRequest(
    deps.db,
    cookie,
    { id, idp: idp.entityId, level, issued_at: new Date(issuedAt), next },
    PENDING_TTL,
  );
  return { redirect: url, cookie };
}

export type AcsResult =
  | { kind: 'answered' }
  | {
      kind: 'failed';
      reason: 'expired' | 'denied' | 'invalid';
      anomaly: number | null;
      next: string;
      /** Why, for the log. */
      error: string;
    };

/**
 * The assertion consumer: every response is checked completely. Refusals are audited once the response
 * names a request this platform sent; anything else is anonymous noise anyone can post, which the
 * caller logs but the audit chain does not record.
 */
export async function consumeSamlResponse(deps: SamlLoginDeps, samlResponse: unknown): Promise<AcsResult> {
  const fail = async (reason: 'expired' | 'denied' | 'invalid', error: string, next = '/', extra = {}) => {
    await auditLogin(deps, await deps.enteForPath(next), 'auth.login-failed', null, {
      method: 'spid-saml',
      error: error.slice(0, 200),
      ...extra,
    });
    return { kind: 'failed' as const, reason, anomaly: null, next, error, ...extra };
  };
  const refuse = (error: string) =>
    ({ kind: 'failed', reason: 'invalid', anomaly: null, next: '/', error }) as const;
  if (typeof samlResponse !== 'string' || samlResponse.length === 0) return refuse('no SAMLResponse');
  let requestId: string;
  try {
    requestId = inResponseToOf(samlResponse);
  } catch (error) {
    return refuse((error as Error).message);
  }
  const request = await repo.claimRequest(deps.db, requestId);
  if (!request) {
    // A request we sent that was answered already or expired: a replay, worth recording.
    const next = await repo.nextOf(deps.db, requestId);
    return next === undefined
      ? refuse('unknown request')
      : fail('expired', 'answered or expired request', next);
  }
  const { sp } = deps;
  const idp = sp.idp(request.idp);
  if (!idp) return fail('invalid', 'identity provider no longer trusted', request.next);
  try {
    const assertion = await validateSpidResponse(samlResponse, {
      entityId: sp.options.entityId,
      acsUrl: sp.options.acsUrl,
      idp,
      request: {
        id: request.id,
        issuedAt: request.issued_at.getTime(),
        level: request.level as 1 | 2 | 3,
        comparison: 'minimum',
        attributes: sp.options.attributes,
      },
      now: Date.now(),
      skewMs: deps.clockSkewMs ?? 60_000,
    });
    // The SPID code is the person's stable identifier at that provider (the NameID is transient).
    if (!assertion.attributes.spidCode) return fail('invalid', 'spidcode-missing', request.next);
    await repo.recordOutcome(deps.db, request.id, { idp: idp.entityId, ...assertion });
    return { kind: 'answered' };
  } catch (error) {
    if (error instanceof SpidAnomaly) {
      return fail('denied', error.message, request.next, { anomaly: error.errorCode });
    }
    // Anything else a crafted response can provoke in the XML libraries is a refusal too, never a 500.
    const reason = error instanceof XmlRejected ? error.code : `unexpected: ${(error as Error).message}`;
    return fail('invalid', reason, request.next);
  }
}

export type SamlFinishResult =
  | { kind: 'signed-in'; session: string; next: string; lang: 'it' | 'en' }
  | { kind: 'failed'; reason: 'expired'; next: string };

/** The browser that started the login collects the identity the assertion consumer accepted. */
export async function finishSamlLogin(
  deps: SamlLoginDeps,
  cookie: string | undefined,
  userAgent?: string,
): Promise<SamlFinishResult> {
  const taken = cookie ? await repo.takeOutcome(deps.db, cookie) : undefined;
  if (!taken) return { kind: 'failed', reason: 'expired', next: '/' };
  const { outcome, next } = taken;
  const a = outcome.attributes;
  const fiscal = a.fiscalNumber?.replace(/^TINIT-/, '') ?? null;
  const { token, lang } = await openCitizenSession(deps, {
    enteId: await deps.enteForPath(next),
    identity: { provider: `saml:${outcome.idp}`, subject: a.spidCode! },
    claims: {
      givenName: a.name ?? null,
      familyName: a.familyName ?? null,
      email: a.email ?? null,
      fiscalNumber: fiscal && /^[A-Z0-9]{16}$/.test(fiscal) ? fiscal : null,
    },
    method: 'spid-saml',
    acr: `https://www.spid.gov.it/SpidL${outcome.level}`,
    userAgent,
  });
  return { kind: 'signed-in', session: token, next, lang };
}
