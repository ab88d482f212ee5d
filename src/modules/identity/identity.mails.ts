// The e-mails of the identity area and the addresses of the one-time links they carry. Plain text in
// the recipient's language; sent with sendMail in the transaction that issues the link.
import { type Lang, type MessageKey, translator } from '../../platform/i18n/index.ts';
import type { IdentityDeps } from './identity.service.ts';

/** What the services that e-mail links need: the identity deps and the site's address. */
export type MailingDeps = IdentityDeps & { publicUrl: string };

/** The address of the page where an invited person activates the account. */
export const invitationUrl = (publicUrl: string, token: string) => `${publicUrl}/accedi/invito?t=${token}`;
export const passwordResetUrl = (publicUrl: string, token: string) =>
  `${publicUrl}/accedi/operatori/nuova-password?t=${token}`;
export const emailVerificationUrl = (publicUrl: string, token: string) =>
  `${publicUrl}/profilo/verifica-email?t=${token}`;

const MAILS = {
  invitation: ['mail.invite.subject', 'mail.invite.body'],
  'password-reset': ['mail.reset.subject', 'mail.reset.body'],
  'email-verification': ['mail.verify.subject', 'mail.verify.body'],
} as const satisfies Record<string, readonly [MessageKey, MessageKey]>;

export function identityMail(
  kind: keyof typeof MAILS,
  lang: Lang,
  params: { name: string; link: string },
): { subject: string; text: string } {
  const t = translator(lang);
  const [subject, body] = MAILS[kind];
  return { subject: t(subject), text: t(body, params) };
}

/** A one-time link token as links carry it (newToken: 32 random bytes, base64url). */
export const isLinkToken = (value: unknown): value is string =>
  typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
