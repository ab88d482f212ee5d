// Staff password reset by e-mail: a one-time link, short-lived, sent only to an existing account and
// a few times an hour at most; the same answer whether or not the account exists. Setting the new
// password (plus a current authenticator code when the account has one) ends every session of the
// user and clears the lockout. No HTTP, no SQL.
import { recordAudit } from '../../platform/audit/audit.ts';
import { endUserSessions, newToken } from '../../platform/auth/sessions.repo.ts';
import { enterTenant, withTenant } from '../../platform/db/tenant.ts';
import { sendMail } from '../../platform/mail/mail.ts';
import { hashPassword, passwordProblem, totpStep, unseal } from './credentials.ts';
import { identityMail, type MailingDeps, passwordResetUrl } from './identity.mails.ts';
import * as identityRepo from './identity.repo.ts';
import type { StaffAccount } from './identity.schema.ts';
import * as repo from './profile.repo.ts';

const RESET_TTL = 30 * 60;
const RESETS_PER_HOUR = 3;
/** The shortest time an answer to a reset request takes, whatever the address. */
const ANSWER_MS = 250;
/** Wrong authenticator codes a link tolerates before it is used up. */
const CODE_TRIES = 3;

/**
 * Sends a reset link if the address is a staff account's that has a password; otherwise nothing. The
 * answer takes the same time either way (at least ANSWER_MS), so timing tells no one which it was.
 * Requests over the hourly limit send nothing and are not audited (anyone can make them).
 */
export async function requestPasswordReset(deps: MailingDeps, email: string): Promise<void> {
  const floor = new Promise((resolve) => setTimeout(resolve, ANSWER_MS));
  const account = await identityRepo.findStaffByEmail(deps.db, email.trim());
  if (account?.passwordHash) {
    await deps.db.transaction().execute(async (trx) => {
      const recent = await repo.countRecentTokens(trx, account.userId, 'password-reset', 3600);
      if (recent >= RESETS_PER_HOUR) return;
      await identityRepo.revokeTokens(trx, account.userId, 'password-reset');
      const token = newToken();
      await identityRepo.insertToken(trx, {
        token,
        purpose: 'password-reset',
        userId: account.userId,
        ttlSeconds: RESET_TTL,
      });
      const lang = (await repo.findProfile(trx, account.userId))?.lang ?? 'it';
      const link = passwordResetUrl(deps.publicUrl, token);
      const mail = identityMail('password-reset', lang, { name: account.displayName, link });
      await enterTenant(trx, account.homeEnteId);
      await sendMail(trx, { enteId: account.homeEnteId, to: account.email, ...mail });
      await recordAudit(trx, {
        enteId: account.homeEnteId,
        actor: 'anonymous',
        action: 'auth.password-reset-requested',
        targetType: 'user',
        targetId: account.userId,
      });
    });
  }
  await floor;
}

/** The account a live reset link belongs to, and whether it must also give an authenticator code. */
export async function resetAccount(
  deps: MailingDeps,
  token: string,
): Promise<{ account: StaffAccount; needsCode: boolean } | null> {
  const live = await identityRepo.peekToken(deps.db, token, 'password-reset');
  const account = live && (await identityRepo.findStaffById(deps.db, live.userId));
  return account ? { account, needsCode: account.totpConfirmed } : null;
}

export type ResetOutcome =
  | { kind: 'done'; sessionsEnded: number }
  | { kind: 'invalid' }
  | { kind: 'weak-password' }
  | { kind: 'wrong-code' };

export async function resetPassword(
  deps: MailingDeps,
  token: string,
  password: string,
  code: string,
): Promise<ResetOutcome> {
  const found = await resetAccount(deps, token);
  if (!found) return { kind: 'invalid' };
  const { account } = found;
  if (passwordProblem(password)) return { kind: 'weak-password' };
  if (found.needsCode) {
    const step = account.totpSecret ? totpStep(unseal(account.totpSecret, deps.sealKey), code) : null;
    // A code works once, here as at login.
    if (step === null || !(await identityRepo.useTotpStep(deps.db, account.userId, step))) {
      await repo.recordTokenFailure(deps.db, token, 'password-reset', CODE_TRIES);
      await withTenant(deps.db, account.homeEnteId, (trx) =>
        audit(trx, account, 'auth.password-reset-failed'),
      );
      return { kind: 'wrong-code' };
    }
  }
  const passwordHash = await hashPassword(password);
  return deps.db.transaction().execute(async (trx): Promise<ResetOutcome> => {
    if (!(await identityRepo.consumeToken(trx, token, 'password-reset'))) return { kind: 'invalid' };
    await identityRepo.updateStaff(trx, account.userId, {
      password_hash: passwordHash,
      failed_logins: 0,
      locked_until: null,
    });
    const sessionsEnded = await endUserSessions(trx, account.userId);
    await enterTenant(trx, account.homeEnteId);
    await audit(trx, account, 'auth.password-reset', { sessionsEnded });
    return { kind: 'done', sessionsEnded };
  });
}

/** Events of an account go to the chain of its home ente and name the user by id only. */
async function audit(
  db: Parameters<typeof recordAudit>[0],
  account: StaffAccount,
  action: string,
  content: Record<string, unknown> = {},
) {
  await recordAudit(db, {
    enteId: account.homeEnteId,
    actor: account.userId,
    action,
    targetType: 'user',
    targetId: account.userId,
    content,
  });
}
