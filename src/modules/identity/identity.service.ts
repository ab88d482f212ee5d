// Staff accounts: invitation, activation with password and TOTP, login with second factor, lockout
// and back-off, sessions. No HTTP, no SQL.
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.ts';
import type { Principal } from '../../platform/auth/policy.ts';
import {
  createSession,
  endSession,
  endUserSessions,
  newToken,
  type SessionTimeouts,
  updateSessionGrants,
} from '../../platform/auth/sessions.repo.ts';
import type { Db } from '../../platform/db/database.ts';
import { enterTenant, withTenant } from '../../platform/db/tenant.ts';
import { AppError, PlatformErrors } from '../../platform/errors.ts';
import { isMailAddress, sendMail } from '../../platform/mail/mail.ts';
import {
  hashPassword,
  lockoutSeconds,
  newTotpSecret,
  passwordProblem,
  seal,
  totpStep,
  unseal,
  verifyPassword,
} from './credentials.ts';
import { identityMail, invitationUrl } from './identity.mails.ts';
import * as repo from './identity.repo.ts';
import type { StaffAccount, StaffRole } from './identity.schema.ts';

const INVITATION_TTL = 7 * 24 * 3600;
const CHALLENGE_TTL = 5 * 60;
/** Roles that may not work without a second factor. */
const ADMIN_ROLES: StaffRole[] = ['ente_admin', 'sad_admin'];

export interface IdentityDeps {
  db: Db;
  /** Key material that seals TOTP secrets at rest. */
  sealKey: string;
  timeouts: SessionTimeouts;
  /** The site's address, for the links that e-mails carry (invitations are e-mailed when it is known). */
  publicUrl?: string;
}

export interface InviteInput {
  email: string;
  displayName: string;
  enteId: string;
  role: StaffRole;
  areas?: string[];
}

/**
 * Grants a role to a staff member of an ente. A new address gets an account and an invitation token
 * (to send as a link); an existing account just gains the role, effective in its live sessions.
 * An ente admin (`onlyEnte`) may reach only accounts that belong to that ente alone: an account with
 * roles elsewhere (another ente, the SAD) is the SAD admin's to extend, and its invitation link is
 * never re-issued to someone who does not administer all of its roles.
 */
export async function inviteStaff(
  deps: IdentityDeps,
  actor: string,
  input: InviteInput,
  options: { onlyEnte?: boolean } = {},
): Promise<{ userId: string; invitation: string | null; mailed: boolean }> {
  const email = input.email.trim();
  if (!isMailAddress(email)) {
    throw PlatformErrors.validation([{ field: 'email', message: 'is not an e-mail address' }]);
  }
  const result = await deps.db.transaction().execute(async (trx) => {
    const existing = await repo.findStaffByEmail(trx, email);
    if (existing && options.onlyEnte) {
      const grants = await repo.grantsOf(trx, existing.userId);
      if (grants.some((g) => g.enteId !== input.enteId || g.role === 'sad_admin')) {
        throw IdentityErrors.staffElsewhere();
      }
    }
    const userId =
      existing?.userId ?? (await repo.insertStaff(trx, { ...input, email, homeEnteId: input.enteId }));
    let invitation: string | null = null;
    if (!existing?.passwordHash) {
      await repo.revokeTokens(trx, userId, 'invitation');
      invitation = newToken();
      await repo.insertToken(trx, {
        token: invitation,
        purpose: 'invitation',
        userId,
        ttlSeconds: INVITATION_TTL,
      });
    }
    // The grant, the mail and the audit event are the ente's: written under its row-level security.
    await enterTenant(trx, input.enteId);
    await repo.addGrant(trx, { ...input, userId, grantedBy: actor });
    if (invitation && deps.publicUrl) {
      const link = invitationUrl(deps.publicUrl, invitation);
      const mail = identityMail('invitation', 'it', { name: input.displayName, link });
      await sendMail(trx, { enteId: input.enteId, to: email, ...mail });
    }
    await recordAudit(trx, {
      enteId: input.enteId,
      actor,
      action: existing ? 'staff.grant' : 'staff.invite',
      targetType: 'user',
      targetId: userId,
      content: { role: input.role, areas: input.areas ?? null },
    });
    return { userId, invitation, mailed: invitation !== null && deps.publicUrl !== undefined };
  });
  await updateSessionGrants(deps.db, result.userId, await repo.grantsOf(deps.db, result.userId));
  return result;
}

export const IdentityErrors = {
  invitationInvalid: () =>
    new AppError('INVITATION_INVALID', 400, 'The invitation link is not valid or has expired.'),
  weakPassword: (why: string) =>
    new AppError('PASSWORD_WEAK', 400, 'The password is too weak.', [{ field: 'password', message: why }]),
  challengeInvalid: () => new AppError('CHALLENGE_INVALID', 400, 'The login has expired: start again.'),
  staffElsewhere: () =>
    new AppError('STAFF_ELSEWHERE', 409, 'This address belongs to staff with roles outside this ente.', [
      { field: 'email', message: 'belongs to staff with roles outside this ente' },
    ]),
} as const;

export async function invitationAccount(deps: IdentityDeps, token: string): Promise<StaffAccount | null> {
  const live = await repo.peekToken(deps.db, token, 'invitation');
  return (live && (await repo.findStaffById(deps.db, live.userId))) ?? null;
}

/** Sets the password from an invitation and prepares a TOTP secret; returns it for the QR code. */
export async function acceptInvitation(
  deps: IdentityDeps,
  token: string,
  password: string,
): Promise<{ userId: string; totpSecret: string; label: string }> {
  const problem = passwordProblem(password);
  if (problem) throw IdentityErrors.weakPassword(problem);
  const account = await invitationAccount(deps, token);
  if (!account) throw IdentityErrors.invitationInvalid();
  const totpSecret = newTotpSecret();
  const passwordHash = await hashPassword(password);
  await repo.updateStaff(deps.db, account.userId, {
    password_hash: passwordHash,
    totp_secret: seal(totpSecret, deps.sealKey),
    totp_confirmed_at: null,
  });
  return { userId: account.userId, totpSecret, label: account.email };
}

/** Confirms the authenticator with a first code; uses the invitation up and starts a session. */
export async function confirmTotpSetup(
  deps: IdentityDeps,
  token: string,
  code: string,
  userAgent?: string,
): Promise<{ session: string; principal: Principal } | 'wrong-code'> {
  const account = await invitationAccount(deps, token);
  if (!account?.passwordHash || !account.totpSecret) throw IdentityErrors.invitationInvalid();
  const step = totpStep(unseal(account.totpSecret, deps.sealKey), code);
  if (step === null) return 'wrong-code';
  if (!(await repo.consumeToken(deps.db, token, 'invitation'))) throw IdentityErrors.invitationInvalid();
  await repo.useTotpStep(deps.db, account.userId, step);
  await repo.updateStaff(deps.db, account.userId, { totp_confirmed_at: new Date() });
  await audit(deps, account, 'staff.activate');
  return startSession(deps, account, 'password+totp', userAgent);
}

/** Operators may postpone the second factor; admins may not. */
export async function mayPostponeTotp(deps: IdentityDeps, userId: string): Promise<boolean> {
  const grants = await repo.grantsOf(deps.db, userId);
  return grants.length > 0 && grants.every((g) => !ADMIN_ROLES.includes(g.role as StaffRole));
}

export async function postponeTotpSetup(
  deps: IdentityDeps,
  token: string,
  userAgent?: string,
): Promise<{ session: string; principal: Principal }> {
  const account = await invitationAccount(deps, token);
  if (!account?.passwordHash || !(await mayPostponeTotp(deps, account.userId))) {
    throw IdentityErrors.invitationInvalid();
  }
  if (!(await repo.consumeToken(deps.db, token, 'invitation'))) throw IdentityErrors.invitationInvalid();
  await repo.updateStaff(deps.db, account.userId, { totp_secret: null });
  await audit(deps, account, 'staff.activate');
  return startSession(deps, account, 'password', userAgent);
}

export type PasswordOutcome =
  | { kind: 'totp'; challenge: string }
  | { kind: 'signed-in'; session: string; principal: Principal }
  | { kind: 'invalid' }
  | { kind: 'locked'; retryAfterSeconds: number };

/** First step of a staff login. The same answer for an unknown address and a wrong password. */
export async function passwordLogin(
  deps: IdentityDeps,
  email: string,
  password: string,
  userAgent?: string,
): Promise<PasswordOutcome> {
  const account = await repo.findStaffByEmail(deps.db, email.trim());
  if (!account?.passwordHash) {
    await verifyPassword(password, await DUMMY_HASH()); // as long as a real check: no account enumeration
    return { kind: 'invalid' };
  }
  const locked = lockedFor(account);
  if (locked > 0) return { kind: 'locked', retryAfterSeconds: locked };
  if (!(await verifyPassword(password, account.passwordHash))) return failed(deps, account);
  if (account.totpConfirmed) {
    const challenge = newToken();
    await repo.insertToken(deps.db, {
      token: challenge,
      purpose: 'totp-challenge',
      userId: account.userId,
      ttlSeconds: CHALLENGE_TTL,
    });
    return { kind: 'totp', challenge };
  }
  if (!(await mayPostponeTotp(deps, account.userId))) {
    // An admin without a confirmed second factor cannot sign in; a new invitation sets it up.
    return { kind: 'invalid' };
  }
  await repo.updateStaff(deps.db, account.userId, { failed_logins: 0, locked_until: null });
  return { kind: 'signed-in', ...(await startSession(deps, account, 'password', userAgent)) };
}

/** Second step: the code from the authenticator app. */
export async function totpLogin(
  deps: IdentityDeps,
  challenge: string,
  code: string,
  userAgent?: string,
): Promise<Exclude<PasswordOutcome, { kind: 'totp' }>> {
  const live = await repo.peekToken(deps.db, challenge, 'totp-challenge');
  const account = live && (await repo.findStaffById(deps.db, live.userId));
  if (!account?.totpSecret) throw IdentityErrors.challengeInvalid();
  const locked = lockedFor(account);
  if (locked > 0) return { kind: 'locked', retryAfterSeconds: locked };
  // A wrong code, or one already used (a replay within its 30 seconds), counts as a failure.
  const step = totpStep(unseal(account.totpSecret, deps.sealKey), code);
  if (step === null || !(await repo.useTotpStep(deps.db, account.userId, step))) return failed(deps, account);
  if (!(await repo.consumeToken(deps.db, challenge, 'totp-challenge')))
    throw IdentityErrors.challengeInvalid();
  await repo.updateStaff(deps.db, account.userId, { failed_logins: 0, locked_until: null });
  // The first factor was the password, or the ente's identity provider (enterprise-login.ts).
  const first = live?.data.method === 'enterprise-oidc' ? 'enterprise-oidc' : 'password';
  return { kind: 'signed-in', ...(await startSession(deps, account, `${first}+totp`, userAgent)) };
}

/**
 * Ends this session, or every session of the user. A citizen has no home ente: the logout goes to the
 * chain `citizenChain` names (the SAD's, as for a login that did not start from an ente's page).
 */
export async function logout(
  deps: IdentityDeps,
  principal: Principal,
  everywhere: boolean,
  citizenChain?: () => Promise<string>,
): Promise<void> {
  if (everywhere && principal.userId) await endUserSessions(deps.db, principal.userId);
  else if (principal.sessionId) await endSession(deps.db, principal.sessionId);
  const action = everywhere ? 'auth.logout-everywhere' : 'auth.logout';
  const citizen = principal.userId && principal.grants.some((g) => g.role === 'citizen');
  if (!citizen || !citizenChain) return auditUser(deps, principal, action);
  const enteId = await citizenChain();
  await withTenant(deps.db, enteId, (trx) =>
    recordAudit(trx, {
      enteId,
      actor: principal.userId!,
      action,
      targetType: 'user',
      targetId: principal.userId!,
    }),
  );
}

/** Ends every other session of the user (a lost phone, a shared computer). */
export async function logoutOthers(deps: IdentityDeps, principal: Principal): Promise<number> {
  if (!principal.userId) return 0;
  const ended = await endUserSessions(deps.db, principal.userId, principal.sessionId);
  await auditUser(deps, principal, 'auth.logout-others', { ended });
  return ended;
}

/** The authenticator setup still waiting for its first code, to show it again after a wrong one. */
export async function pendingTotpSetup(
  deps: IdentityDeps,
  token: string,
): Promise<{ secret: string; label: string; mayPostpone: boolean } | null> {
  const account = await invitationAccount(deps, token);
  if (!account?.totpSecret || account.totpConfirmed) return null;
  return {
    secret: unseal(account.totpSecret, deps.sealKey),
    label: account.email,
    mayPostpone: await mayPostponeTotp(deps, account.userId),
  };
}

async function auditUser(
  deps: IdentityDeps,
  principal: Principal,
  action: string,
  content: Record<string, unknown> = {},
) {
  const account = principal.userId && (await repo.findStaffById(deps.db, principal.userId));
  if (account) await audit(deps, account, action, content);
}

// The hash of a random password, checked against when the account does not exist.
let dummyHash: Promise<string> | undefined;
const DUMMY_HASH = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

function lockedFor(account: StaffAccount): number {
  if (!account.lockedUntil) return 0;
  return Math.max(0, Math.ceil((account.lockedUntil.getTime() - Date.now()) / 1000));
}

async function failed(
  deps: IdentityDeps,
  account: StaffAccount,
): Promise<PasswordOutcome & { kind: 'invalid' | 'locked' }> {
  const failures = account.failedLogins + 1;
  const wait = lockoutSeconds(failures);
  await repo.updateStaff(deps.db, account.userId, {
    failed_logins: failures,
    locked_until: wait > 0 ? new Date(Date.now() + wait * 1000) : null,
  });
  await audit(deps, account, wait > 0 ? 'auth.locked' : 'auth.login-failed', { failures });
  return wait > 0 ? { kind: 'locked', retryAfterSeconds: wait } : { kind: 'invalid' };
}

/** Opens a session for a staff account that has proved who it is; `identity` is what it logged in with. */
export async function startSession(
  deps: IdentityDeps,
  account: StaffAccount,
  method: string,
  userAgent?: string,
  identity = { provider: 'local', subject: account.email.toLowerCase() },
) {
  const grants = await repo.grantsOf(deps.db, account.userId);
  const principal: Principal = {
    subject: account.userId,
    userId: account.userId,
    displayName: account.displayName,
    grants,
  };
  const { token } = await createSession(
    deps.db,
    { principal, userId: account.userId, method, userAgent },
    deps.timeouts,
  );
  await repo.touchIdentity(deps.db, identity.provider, identity.subject);
  await audit(deps, account, 'auth.login', { method });
  return { session: token, principal };
}

/** Audit events of an account go to the chain of its home ente; they name the user by id only. */
async function audit(
  deps: IdentityDeps,
  account: StaffAccount,
  action: string,
  content: Record<string, unknown> = {},
) {
  await withTenant(deps.db, account.homeEnteId, (trx) =>
    recordAudit(trx, {
      enteId: account.homeEnteId,
      actor: account.userId,
      action,
      targetType: 'user',
      targetId: account.userId,
      content,
    }),
  );
}
