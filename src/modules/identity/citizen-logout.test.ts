// A citizen's logout is audited like a staff member's: on the SAD's chain, naming the user by id only.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, enteId, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { createSession, findSession } from '../../platform/auth/sessions.repo.ts';
import { upsertCitizen } from './identity.repo.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof testApp>>['app'];

beforeAll(async () => {
  database = await testDatabase();
  ({ app } = await testApp(database));
});
afterAll(async () => {
  await app.close();
  await database.close();
});

/** A citizen signed in (as after a SPID login), in a browser. */
async function citizen(subject: string) {
  const userId = await upsertCitizen(
    database.db,
    { provider: 'oidc:https://idp.example', subject },
    { displayName: 'Anna Verdi', givenName: 'Anna', familyName: 'Verdi', email: null, fiscalNumber: null },
  );
  const { token } = await createSession(database.db, {
    principal: { subject: userId, userId, displayName: 'Anna Verdi', grants: [{ role: 'citizen' }] },
    userId,
    method: 'spid-oidc',
  });
  const browser = new Browser(app);
  browser.cookies = { cz_session: token };
  return { userId, token, browser };
}

const logoutEvents = async (userId: string) =>
  (
    await sql<{ ente_id: string; actor: string; action: string; content: unknown }>`
      select ente_id, actor, action, content from audit_events
      where target_id = ${userId} and action like 'auth.logout%' order by seq`.execute(database.db)
  ).rows;

describe('citizen logout', () => {
  it('ends the session and records an auth.logout audit event', async () => {
    const { userId, token, browser } = await citizen('anna-1');
    await browser.get('/esci');
    const out = await browser.post('/esci');
    expect(out.statusCode).toBe(303);
    expect(await findSession(database.db, token)).toBeNull();
    expect(await logoutEvents(userId)).toEqual([
      { ente_id: await enteId(database, 'cm-venezia'), actor: userId, action: 'auth.logout', content: {} },
    ]);
  });

  it('records a logout from every device too', async () => {
    const { userId, browser } = await citizen('anna-2');
    await browser.get('/esci');
    await browser.post('/esci?ovunque=1');
    expect((await logoutEvents(userId)).map((e) => e.action)).toEqual(['auth.logout-everywhere']);
  });
});
