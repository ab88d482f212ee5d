// All SQL of outgoing mail: the outbox, where a message waits until its job delivers it.
import type { Generated } from 'kysely';
import type { AnyDb, Db } from '../db/database.ts';

export type MailTables = {
  mail_outbox: {
    ente_id: string;
    id: Generated<string>;
    recipient: string;
    subject: string;
    text_body: string;
    html_body: string | null;
    created_at: Generated<Date>;
  };
};

const q = (db: AnyDb) => (db as Db).withTables<MailTables>();

export interface StoredMail {
  enteId: string;
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

export async function insertMail(
  db: AnyDb,
  mail: { enteId: string; to: string; subject: string; text: string; html: string | null },
): Promise<string> {
  const row = await q(db)
    .insertInto('mail_outbox')
    .values({
      ente_id: mail.enteId,
      recipient: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findMail(db: AnyDb, enteId: string, id: string): Promise<StoredMail | undefined> {
  const row = await q(db)
    .selectFrom('mail_outbox')
    .select(['ente_id', 'id', 'recipient', 'subject', 'text_body', 'html_body'])
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .executeTakeFirst();
  return (
    row && {
      enteId: row.ente_id,
      id: row.id,
      to: row.recipient,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
    }
  );
}

export async function deleteMail(db: AnyDb, enteId: string, id: string): Promise<void> {
  await q(db).deleteFrom('mail_outbox').where('ente_id', '=', enteId).where('id', '=', id).execute();
}
