import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailTo } from '../../../test/mailbox.ts';
import { enteId, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { sendMail } from '../../platform/mail/mail.ts';
import { storeMessage } from './mailbox.repo.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let dolo: string;
let jesolo: string;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
  dolo = await enteId(database, 'dolo');
  jesolo = await enteId(database, 'jesolo');
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

const queue = (enteId: string, to: string, extra: { html?: string } = {}) =>
  database.db.transaction().execute((trx) =>
    sendMail(trx, {
      enteId,
      to,
      subject: 'Il tuo certificato è pronto',
      text: 'Gentile Giulia,\n\nscaricalo qui: http://localhost:3000/jesolo/certificati/1\n\nComune di Jesolo',
      ...extra,
    }),
  );

describe('sandbox mailbox', () => {
  it('receives the platform’s mail and shows it, labelled as a test environment, with working links', async () => {
    await queue(jesolo, 'giulia.zanetti@example.it', { html: '<p>Gentile <b>Giulia</b></p>' });
    const [mail, ...others] = await mailTo(built, 'giulia.zanetti@example.it');
    expect(others).toEqual([]);
    expect(mail).toMatchObject({
      subject: 'Il tuo certificato è pronto',
      link: 'http://localhost:3000/jesolo/certificati/1',
    });
    expect(mail!.text).toContain('Comune di Jesolo');

    const list = await built.app.inject({ url: '/sandbox/posta' });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Ambiente di test');
    expect(list.body).toContain('<title>Posta in arrivo – ambiente di test</title>');
    const path = /href="(\/sandbox\/posta\/[0-9a-f-]+\/[0-9a-f-]+)"/.exec(list.body)![1]!;
    const message = await built.app.inject({ url: path });
    expect(message.body).toContain('Ambiente di test');
    expect(message.headers['cache-control']).toBe('no-store');

    // The HTML part, in a sandboxed document: no scripts, no requests.
    const html = await built.app.inject({ url: `${path}/html` });
    expect(html.body).toBe('<p>Gentile <b>Giulia</b></p>');
    expect(html.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
  });

  it('shows only the messages to the address asked for', async () => {
    await queue(dolo, 'luca.pavan@example.it');
    expect(await mailTo(built, 'luca.pavan@example.it')).toHaveLength(1);
    expect(await mailTo(built, 'nessuno@example.it')).toEqual([]);
  });

  it('answers 404 for a message that does not exist, and for a malformed address', async () => {
    const missing = await built.app.inject({
      url: `/sandbox/posta/${dolo}/00000000-0000-4000-8000-000000000000`,
    });
    expect(missing.statusCode).toBe(404);
    expect((await built.app.inject({ url: '/sandbox/posta/x/y' })).statusCode).toBe(404);
  });

  it('stores a message delivered twice (a retried job) once', async () => {
    const message = {
      id: '6f1c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
      enteId: dolo,
      from: 'noreply@localhost',
      to: 'marta.rossi@example.it',
      subject: 'Due volte',
      text: 'x',
      html: null,
    };
    await storeMessage(database.db, message);
    await storeMessage(database.db, message);
    expect(await mailTo(built, 'marta.rossi@example.it')).toHaveLength(1);
  });

  it('keeps each ente’s messages out of another ente’s reach', async () => {
    await queue(jesolo, 'anna.bianchi@example.it');
    await mailTo(built, 'anna.bianchi@example.it');
    const seen = (scope: string) =>
      withTenant(database.db, scope, (trx) =>
        sql<{ recipient: string }>`select recipient from sandbox_mailbox`.execute(trx),
      ).then((result) => result.rows.map((r) => r.recipient));
    expect(await seen(jesolo)).toContain('anna.bianchi@example.it');
    expect(await seen(dolo)).not.toContain('anna.bianchi@example.it');
  });
});

describe('sandbox mailbox in production', () => {
  it('is not there when the sandbox is off', async () => {
    const production = await testApp(database, {
      SANDBOX: 'false',
      SMTP_URL: 'smtp://127.0.0.1:1',
    });
    try {
      expect((await production.app.inject({ url: '/sandbox/posta' })).statusCode).toBe(404);
    } finally {
      await production.app.close();
    }
  });
});
