// Invitations from the SAD console are also e-mailed (read here in the sandbox's test mailbox).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailTo } from '../../../test/mailbox.ts';
import {
  Browser,
  enteId,
  sessionAs,
  type TestDatabase,
  testApp,
  testDatabase,
} from '../../../test/support.ts';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database);
});
afterAll(async () => {
  await built.app.close();
  await database.close();
});

describe('invitation e-mail', () => {
  it('sends the activation link shown in the console to the invited person, once', async () => {
    const sad = await enteId(database, 'cm-venezia');
    const browser = new Browser(built.app);
    browser.cookies = await sessionAs(database, 'sad-admin', [{ role: 'sad_admin', enteId: sad }]);
    await browser.get('/sad/staff');
    const done = await browser.post('/sad/staff', {
      ente: await enteId(database, 'jesolo'),
      email: 'protocollo@comune.example.it',
      name: 'Rita Operatrice',
      role: 'operator',
    });
    expect(done.statusCode).toBe(200);
    const shown = /data-invitation[^>]*>([^<]+)</.exec(done.body)![1]!.replaceAll('&amp;', '&');
    expect(done.body).toContain('Lo abbiamo inviato anche per e-mail a protocollo@comune.example.it.');

    const mails = await mailTo(built, 'protocollo@comune.example.it');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Attiva il tuo account operatore');
    expect(mails[0]!.text).toContain('Gentile Rita Operatrice');
    expect(mails[0]!.link).toBe(shown);

    // Invited again before activating: a new link replaces the first, and is mailed too.
    await browser.get('/sad/staff');
    const again = await browser.post('/sad/staff', {
      ente: await enteId(database, 'dolo'),
      email: 'protocollo@comune.example.it',
      name: 'Rita Operatrice',
      role: 'operator',
    });
    const second = /data-invitation[^>]*>([^<]+)</.exec(again.body)![1]!.replaceAll('&amp;', '&');
    const links = (await mailTo(built, 'protocollo@comune.example.it')).map((m) => m.link);
    expect(links.sort()).toEqual([shown, second].sort());
    const first = new URL(shown);
    expect((await built.app.inject({ url: first.pathname + first.search })).statusCode).toBe(400);
  });
});
