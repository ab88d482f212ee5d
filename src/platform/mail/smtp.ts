// The production transport: an SMTP server (nodemailer), from SMTP_URL. The Message-ID is derived
// from the outbox id, so a message sent again after a crash can be recognised as the same one.
import { createTransport } from 'nodemailer';
import type { MailMessage, MailTransport } from './mail.ts';

export function smtpTransport(url: string): MailTransport {
  const transporter = createTransport(url);
  return {
    async send(message: MailMessage) {
      const domain = /@([^>\s]+)>?\s*$/.exec(message.from)?.[1] ?? 'convergenza.invalid';
      await transporter.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: `<${message.id}@${domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: () => transporter.close(),
  };
}
