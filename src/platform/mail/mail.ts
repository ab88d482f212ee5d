// Outgoing e-mail. sendMail writes the message and its delivery job in the caller's transaction (see
// docs/adr/0004): a message goes out if and only if the change that caused it committed, after the
// commit, with the job queue's retries. The transport (SMTP, or the sandbox's test mailbox) is chosen
// by configuration in app.ts; product code only calls sendMail.
import type { Kysely } from 'kysely';
import type { AnyDb } from '../db/database.ts';
import type { PlatformTables } from '../db/tables.ts';
import { enqueue, type JobRow, type JobWorker } from '../jobs/jobs.ts';
import * as repo from './mail.repo.ts';

export const MAIL_QUEUE = 'mail.send';
/** 2 s doubling: the last of 8 attempts comes about 8 minutes after the first. */
const MAX_ATTEMPTS = 8;
const ADDRESS = /^[^@\s<>",;]+@[^@\s<>",;]+\.[^@\s<>",;]{2,}$/;

export interface OutgoingMail {
  /** The ente on whose behalf the message is sent: its job and outbox row belong to it. */
  enteId: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** A message as a transport receives it; `id` stays the same across retries, so it can de-duplicate. */
export interface MailMessage {
  id: string;
  enteId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close?(): void | Promise<void>;
}

export const isMailAddress = (value: string) => value.length <= 254 && ADDRESS.test(value);

/** Queues a message in the caller's transaction; returns its id. */
export async function sendMail<DB extends PlatformTables>(
  trx: Kysely<DB>,
  mail: OutgoingMail,
): Promise<string> {
  // Callers validate addresses they take from people; these guard against header injection anyway.
  if (!isMailAddress(mail.to)) throw new Error('sendMail: "to" is not a single e-mail address');
  if (/[\r\n]/.test(mail.subject) || mail.subject.length === 0) throw new Error('sendMail: bad subject');
  const id = await repo.insertMail(trx as AnyDb, {
    enteId: mail.enteId,
    to: mail.to,
    subject: mail.subject.slice(0, 300),
    text: mail.text,
    html: mail.html ?? null,
  });
  await enqueue(trx, mail.enteId, MAIL_QUEUE, { id }, { maxAttempts: MAX_ATTEMPTS });
  return id;
}

/**
 * The job: delivers the message, then removes it from the outbox; after the last failed attempt it is
 * removed too. A message no longer there was delivered by an earlier run that stopped before marking
 * its job done.
 */
export async function deliverMail(
  db: AnyDb,
  transport: MailTransport,
  from: string,
  job: Pick<JobRow, 'ente_id' | 'payload' | 'attempts' | 'max_attempts'>,
): Promise<void> {
  const message = await repo.findMail(db, job.ente_id, String(job.payload.id));
  if (!message) return;
  try {
    await transport.send({ ...message, from });
  } catch (error) {
    // Given up for good: the message (which may carry a one-time link) does not stay behind.
    if (job.attempts >= job.max_attempts) await repo.deleteMail(db, message.enteId, message.id);
    throw error;
  }
  await repo.deleteMail(db, message.enteId, message.id);
}

export function registerMailDelivery(
  worker: JobWorker,
  deps: { db: AnyDb; transport: MailTransport; from: string },
): void {
  worker.register(MAIL_QUEUE, (job) => deliverMail(deps.db, deps.transport, deps.from, job));
}
