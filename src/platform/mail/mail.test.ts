import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, type TestDatabase, testDatabase } from '../../../test/support.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { withTenant } from '../db/tenant.ts';
import { findJob, JobWorker } from '../jobs/jobs.ts';
import { deliverMail, MAIL_QUEUE, type MailMessage, registerMailDelivery, sendMail } from './mail.ts';
import { smtpTransport } from './smtp.ts';

let database: TestDatabase;
let dolo: string;
let jesolo: string;

beforeAll(async () => {
  database = await testDatabase();
  dolo = await enteId(database, 'dolo');
  jesolo = await enteId(database, 'jesolo');
});
afterAll(() => database.close());

const FROM = 'Convergenza <noreply@example.it>';
const mail = (enteId: string, to = 'giulia.zanetti@example.it') => ({
  enteId,
  to,
  subject: 'Verifica il tuo indirizzo',
  text: 'Apri https://example.it/x',
});

/** A worker delivering to a transport that records what it was given, or fails while `failing` is set. */
function recordingWorker() {
  const sent: MailMessage[] = [];
  const state = { failing: false };
  const worker = new JobWorker(database.db, { pollMs: 10, concurrency: 4 });
  const transport = {
    async send(message: MailMessage) {
      if (state.failing) throw new Error('SMTP server unavailable');
      sent.push(message);
    },
  };
  registerMailDelivery(worker, { db: database.db, transport, from: FROM });
  return { worker, sent, state, transport };
}

const outboxCount = async () =>
  Number((await sql<{ n: number }>`select count(*) as n from mail_outbox`.execute(database.db)).rows[0]!.n);

describe('sendMail', () => {
  it('delivers a message exactly once, after its transaction commits', async () => {
    const { worker, sent } = recordingWorker();
    const id = await database.db.transaction().execute((trx) => sendMail(trx, mail(dolo)));
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    expect(sent).toEqual([
      {
        id,
        enteId: dolo,
        from: FROM,
        to: 'giulia.zanetti@example.it',
        subject: 'Verifica il tuo indirizzo',
        text: 'Apri https://example.it/x',
        html: null,
      },
    ]);
    // Delivered: the message (address, links) no longer waits in the database.
    expect(await outboxCount()).toBe(0);
  });

  it('sends nothing when the transaction rolls back', async () => {
    const { worker, sent } = recordingWorker();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sendMail(trx, mail(dolo));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await worker.runOnce()).toBe(0);
    expect(sent).toEqual([]);
    expect(await outboxCount()).toBe(0);
  });

  it('retries while the transport fails, then delivers once', async () => {
    const { worker, sent, state } = recordingWorker();
    state.failing = true;
    const id = await database.db.transaction().execute((trx) => sendMail(trx, mail(dolo)));
    await worker.runOnce();
    const job = (
      await sql<{
        id: string;
      }>`select id from jobs where queue = ${MAIL_QUEUE} and payload->>'id' = ${id}`.execute(database.db)
    ).rows[0]!;
    expect(await findJob(database.db, dolo, job.id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: 'SMTP server unavailable',
    });
    state.failing = false;
    await sql`update jobs set run_at = now() where id = ${job.id}`.execute(database.db);
    await worker.runOnce();
    expect(sent.map((m) => m.id)).toEqual([id]);
    expect((await findJob(database.db, dolo, job.id))?.status).toBe('done');
  });

  it('does not send again when a delivered message’s job runs a second time', async () => {
    const { sent, transport } = recordingWorker();
    const id = await database.db.transaction().execute((trx) => sendMail(trx, mail(dolo)));
    // As after a crash between the delivery and marking the job done.
    const job = { ente_id: dolo, payload: { id }, attempts: 1, max_attempts: 8 };
    await deliverMail(database.db, transport, FROM, job);
    await deliverMail(database.db, transport, FROM, job);
    expect(sent).toHaveLength(1);
  });

  it('removes a message it gives up on, so no one-time link stays in the database', async () => {
    const { transport, state } = recordingWorker();
    state.failing = true;
    const id = await database.db.transaction().execute((trx) => sendMail(trx, mail(dolo)));
    const before = await outboxCount();
    const job = { ente_id: dolo, payload: { id } };
    await expect(
      deliverMail(database.db, transport, FROM, { ...job, attempts: 1, max_attempts: 2 }),
    ).rejects.toThrow();
    expect(await outboxCount()).toBe(before);
    await expect(
      deliverMail(database.db, transport, FROM, { ...job, attempts: 2, max_attempts: 2 }),
    ).rejects.toThrow();
    expect(await outboxCount()).toBe(before - 1);
  });

  it('refuses a recipient that is not one plain address (no header injection)', async () => {
    for (const to of ['a@b.it\r\nBcc: x@y.it', 'a@b.it, c@d.it', 'nessuno', '<a@b.it>']) {
      await expect(database.db.transaction().execute((trx) => sendMail(trx, mail(dolo, to)))).rejects.toThrow(
        'not a single e-mail address',
      );
    }
  });

  it('keeps each ente’s waiting messages out of another ente’s reach', async () => {
    await database.db.transaction().execute((trx) => sendMail(trx, mail(jesolo, 'luca.pavan@example.it')));
    const visible = await withTenant(database.db, dolo, (trx) =>
      sql<{ recipient: string }>`select recipient from mail_outbox`.execute(trx),
    );
    expect(visible.rows.map((r) => r.recipient)).not.toContain('luca.pavan@example.it');
    // Nor can a transaction of one ente queue mail in another's name.
    await expect(withTenant(database.db, dolo, (trx) => sendMail(trx, mail(jesolo)))).rejects.toThrow(
      /row-level security/,
    );
    // In its own scope, it can.
    await withTenant(database.db, jesolo, (trx) => sendMail(trx, mail(jesolo)));
  });
});

/** A minimal SMTP server on loopback that keeps what it receives. */
async function fakeSmtpServer() {
  const received: { from: string; to: string[]; data: string }[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let current = { from: '', to: [] as string[], data: '' };
    let inData = false;
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          received.push(current);
          current = { from: '', to: [], data: '' };
          inData = false;
          socket.write('250 OK queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 test\r\n');
        else if (verb === 'MAIL') current.from = line;
        else if (verb === 'RCPT') current.to.push(line);
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
          continue;
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
          return;
        } else socket.write('250 OK\r\n');
        if (verb === 'MAIL' || verb === 'RCPT') socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('SMTP transport', () => {
  it('hands the message to the SMTP server, with a Message-ID derived from the outbox id', async () => {
    const smtp = await fakeSmtpServer();
    const transport = smtpTransport(`smtp://127.0.0.1:${smtp.port}`);
    try {
      await transport.send({
        id: '0b0e4a8c-1d2e-4f50-8a9b-0c1d2e3f4a5b',
        enteId: dolo,
        from: FROM,
        to: 'giulia.zanetti@example.it',
        subject: 'Verifica il tuo indirizzo',
        text: 'Apri il link',
        html: null,
      });
    } finally {
      await transport.close?.();
      await smtp.close();
    }
    expect(smtp.received).toHaveLength(1);
    const [message] = smtp.received;
    expect(message!.from).toContain('<noreply@example.it>');
    expect(message!.to).toEqual(['RCPT TO:<giulia.zanetti@example.it>']);
    expect(message!.data).toContain('Subject: Verifica il tuo indirizzo');
    expect(message!.data).toContain('Message-ID: <0b0e4a8c-1d2e-4f50-8a9b-0c1d2e3f4a5b@example.it>');
    expect(message!.data).toContain('Apri il link');
  });
});

describe('mail configuration', () => {
  it('refuses to boot without an SMTP server when the sandbox is off', () => {
    expect(() => loadConfig({ SANDBOX: 'false' })).toThrow(ConfigError);
    expect(() => loadConfig({ SANDBOX: 'false' })).toThrow(/SMTP_URL is required when SANDBOX=false/);
    const production = loadConfig({ SANDBOX: 'false', SMTP_URL: 'smtps://app:segreto@smtp.example.it:465' });
    expect(production.mail.smtpUrl).toBe('smtps://app:segreto@smtp.example.it:465');
    // The demo delivers to the test mailbox.
    expect(loadConfig({}).mail).toEqual({ smtpUrl: null, from: 'Convergenza <noreply@localhost>' });
  });

  it('refuses an SMTP_URL that is not smtp(s), without repeating its password', () => {
    let message = '';
    try {
      loadConfig({ SMTP_URL: 'https://app:segreto@smtp.example.it' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('SMTP_URL must be an smtp:// or smtps:// URL');
    expect(() => loadConfig({ MAIL_FROM: 'nessuno' })).toThrow(/MAIL_FROM/);
    expect(loadConfig({ MAIL_FROM: 'Comune <posta@example.it>' }).mail.from).toBe(
      'Comune <posta@example.it>',
    );
  });
});
