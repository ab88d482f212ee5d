// A citizen's profile: identity data from the provider (read-only) and the contacts and preferences the
// citizen keeps. A new e-mail address is saved unverified and a one-time link is e-mailed to it; the
// link marks it verified. No HTTP, no SQL.
import { recordAudit } from '../../platform/audit/audit.ts';
import { newToken } from '../../platform/auth/sessions.repo.ts';
import { enterTenant } from '../../platform/db/tenant.ts';
import { PlatformErrors } from '../../platform/errors.ts';
import { isLang, type Lang, type MessageKey } from '../../platform/i18n/index.ts';
import { isMailAddress, sendMail } from '../../platform/mail/mail.ts';
import { emailVerificationUrl, identityMail, type MailingDeps } from './identity.mails.ts';
import * as identityRepo from './identity.repo.ts';
import type { IdentityDeps } from './identity.service.ts';
import * as repo from './profile.repo.ts';

export type { Profile } from './profile.repo.ts';

const VERIFICATION_TTL = 24 * 3600;
/** Verification links a citizen may have sent in an hour: the page must not become a way to spam. */
const VERIFICATIONS_PER_HOUR = 5;

export interface ContactsForm {
  email: string;
  phone: string;
  lang: string;
  ioConsent: boolean;
}
export type ContactErrors = Partial<Record<'email' | 'phone' | 'lang', MessageKey>>;
type Contacts = { email: string | null; phone: string | null; lang: Lang; ioConsent: boolean };

/**
 * A phone number in international form (+39…), or null when it is not one. Italian numbers may be
 * written without the prefix: mobile (3…) and landline (0…) numbers.
 */
export function normalisePhone(raw: string): string | null {
  let number = raw.replace(/[\s./()-]/g, '');
  if (number.startsWith('00')) number = `+${number.slice(2)}`;
  if (!number.startsWith('+')) number = `+39${number}`;
  if (!/^\+[1-9]\d{6,14}$/.test(number)) return null;
  if (number.startsWith('+39') && !/^\+39(3\d{8,9}|0\d{5,10})$/.test(number)) return null;
  return number;
}

/** Checks the form; returns the values to store, or the errors to show next to each field. */
export function checkContacts(form: ContactsForm): { contacts: Contacts } | { errors: ContactErrors } {
  const errors: ContactErrors = {};
  const email = form.email.trim();
  if (email && !isMailAddress(email)) errors.email = 'validation.email';
  const phone = form.phone.trim() ? normalisePhone(form.phone) : '';
  if (phone === null) errors.phone = 'validation.phone';
  if (!isLang(form.lang)) errors.lang = 'validation.required';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    contacts: {
      email: email || null,
      phone: phone || null,
      lang: form.lang as Lang,
      ioConsent: form.ioConsent,
    },
  };
}

/** The signed-in citizen's profile; staff accounts have none here. */
export async function profileOf(deps: IdentityDeps, userId: string | undefined): Promise<repo.Profile> {
  if (!userId) throw PlatformErrors.unauthenticated();
  const profile = await repo.findProfile(deps.db, userId);
  if (!profile) throw PlatformErrors.unauthenticated();
  if (profile.kind !== 'citizen') throw PlatformErrors.forbidden();
  return profile;
}

export type Verification = 'sent' | 'throttled' | null;

/**
 * Saves the contacts. A changed e-mail address loses its verification and gets a new link; the change
 * and its e-mail commit together, and the audit event (in `enteId`'s chain) names the fields only.
 */
export async function updateContacts(
  deps: MailingDeps,
  profile: repo.Profile,
  contacts: Contacts,
  enteId: string,
): Promise<{ changed: string[]; verification: Verification }> {
  const emailChanged = (contacts.email ?? '').toLowerCase() !== (profile.email ?? '').toLowerCase();
  const changed = [
    emailChanged && 'email',
    contacts.phone !== profile.phone && 'phone',
    contacts.lang !== profile.lang && 'lang',
    contacts.ioConsent !== profile.ioConsent && 'io_consent',
  ].filter((field): field is string => field !== false);
  if (changed.length === 0) return { changed, verification: null };
  const verification = await deps.db.transaction().execute(async (trx) => {
    await repo.updateContacts(trx, profile.userId, {
      phone: contacts.phone,
      lang: contacts.lang,
      io_consent: contacts.ioConsent,
      ...(emailChanged ? { email: contacts.email, email_verified_at: null } : {}),
    });
    const user = { ...profile, email: contacts.email ?? '', lang: contacts.lang };
    let token: string | 'throttled' | null = null;
    if (emailChanged) {
      await identityRepo.revokeTokens(trx, profile.userId, 'email-verification');
      if (contacts.email) token = await verificationToken(trx, user, enteId);
    }
    // The rest is the ente's: its outbox and its audit chain, under its row-level security.
    await enterTenant(trx, enteId);
    const sent = token ? await mailVerification(trx, deps, user, enteId, token) : null;
    await recordAudit(trx, {
      enteId,
      actor: profile.userId,
      action: 'profile.update',
      targetType: 'user',
      targetId: profile.userId,
      content: { changed },
    });
    return sent;
  });
  return { changed, verification };
}

/** Sends a new link for the current, still unverified address. */
export async function resendVerification(
  deps: MailingDeps,
  profile: repo.Profile,
  enteId: string,
): Promise<Verification> {
  const { email } = profile;
  if (!email || profile.emailVerified) return null;
  return deps.db.transaction().execute(async (trx) => {
    await identityRepo.revokeTokens(trx, profile.userId, 'email-verification');
    const token = await verificationToken(trx, { ...profile, email }, enteId);
    await enterTenant(trx, enteId);
    return mailVerification(trx, deps, { ...profile, email }, enteId, token);
  });
}

type Recipient = { userId: string; displayName: string; email: string; lang: Lang };

/** A new verification token for the address, unless too many were sent in the last hour. */
async function verificationToken(
  trx: Parameters<typeof sendMail>[0],
  user: Recipient,
  enteId: string,
): Promise<string | 'throttled'> {
  const recent = await repo.countRecentTokens(trx, user.userId, 'email-verification', 3600);
  if (recent >= VERIFICATIONS_PER_HOUR) return 'throttled';
  const token = newToken();
  await identityRepo.insertToken(trx, {
    token,
    purpose: 'email-verification',
    userId: user.userId,
    ttlSeconds: VERIFICATION_TTL,
    data: { email: user.email, enteId },
  });
  return token;
}

/** Queues the link in the ente's outbox (the transaction is already the ente's). */
async function mailVerification(
  trx: Parameters<typeof sendMail>[0],
  deps: MailingDeps,
  user: Recipient,
  enteId: string,
  token: string | 'throttled',
): Promise<Verification> {
  if (token === 'throttled') return 'throttled';
  const link = emailVerificationUrl(deps.publicUrl, token);
  const mail = identityMail('email-verification', user.lang, { name: user.displayName, link });
  await sendMail(trx, { enteId, to: user.email, ...mail });
  return 'sent';
}

/** Follows a verification link: the address it was sent to becomes verified. Works once. */
export async function verifyEmail(deps: IdentityDeps, token: string): Promise<{ email: string } | null> {
  const live = await identityRepo.peekToken(deps.db, token, 'email-verification');
  const email = typeof live?.data.email === 'string' ? live.data.email : null;
  const enteId = typeof live?.data.enteId === 'string' ? live.data.enteId : null;
  if (!live || !email || !enteId) return null;
  return deps.db.transaction().execute(async (trx) => {
    if (!(await identityRepo.consumeToken(trx, token, 'email-verification'))) return null;
    if (!(await repo.markEmailVerified(trx, live.userId, email))) return null;
    await enterTenant(trx, enteId);
    await recordAudit(trx, {
      enteId,
      actor: live.userId,
      action: 'profile.email-verified',
      targetType: 'user',
      targetId: live.userId,
    });
    return { email };
  });
}
