// All SQL of the test mailbox. Messages are stored in their ente's scope (row-level security applies);
// the mailbox page reads every ente's, as the tester of the whole installation.
import type { Generated } from 'kysely';
import type { AnyDb, Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import type { MailMessage } from '../../platform/mail/mail.ts';

type MailboxTables = {
  sandbox_mailbox: {
    ente_id: string;
    id: string;
    sender: string;
    recipient: string;
    subject: string;
    text_body: string;
    html_body: string | null;
    delivered_at: Generated<Date>;
  };
};

const q = (db: AnyDb) => (db as Db).withTables<MailboxTables>();

export interface MailboxMessage {
  enteId: string;
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  deliveredAt: Date;
}

const COLUMNS = [
  'ente_id',
  'id',
  'sender',
  'recipient',
  'subject',
  'text_body',
  'html_body',
  'delivered_at',
] as const;

const toMessage = (row: {
  ente_id: string;
  id: string;
  sender: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  delivered_at: Date;
}): MailboxMessage => ({
  enteId: row.ente_id,
  id: row.id,
  from: row.sender,
  to: row.recipient,
  subject: row.subject,
  text: row.text_body,
  html: row.html_body,
  deliveredAt: row.delivered_at,
});

/** Stores a delivered message once: the same message delivered again (a retried job) is ignored. */
export async function storeMessage(db: Db, message: MailMessage): Promise<void> {
  await withTenant(db, message.enteId, (trx) =>
    q(trx)
      .insertInto('sandbox_mailbox')
      .values({
        ente_id: message.enteId,
        id: message.id,
        sender: message.from,
        recipient: message.to,
        subject: message.subject,
        text_body: message.text,
        html_body: message.html,
      })
      .onConflict((oc) => oc.columns(['ente_id', 'id']).doNothing())
      .execute(),
  );
}

/** The newest messages of every ente, optionally only those to one address. */
export async function listMessages(
  db: AnyDb,
  filter: { to?: string; limit: number },
): Promise<MailboxMessage[]> {
  let query = q(db).selectFrom('sandbox_mailbox').select(COLUMNS).orderBy('delivered_at', 'desc');
  if (filter.to)
    query = query.where((eb) => eb(eb.fn('lower', ['recipient']), '=', filter.to!.toLowerCase()));
  return (await query.limit(filter.limit).execute()).map(toMessage);
}

export async function findMessage(
  db: AnyDb,
  enteId: string,
  id: string,
): Promise<MailboxMessage | undefined> {
  const row = await q(db)
    .selectFrom('sandbox_mailbox')
    .select(COLUMNS)
    .where('ente_id', '=', enteId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toMessage(row);
}
