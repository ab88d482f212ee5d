import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, type TestDatabase, testDatabase } from '../../../test/support.ts';
import { verifyAudit } from '../../platform/audit/audit.ts';
import { findSession, listSessions } from '../../platform/auth/sessions.repo.ts';
import { totpNow } from './credentials.ts';
import * as identity from './identity.service.ts';

let database: TestDatabase;
let deps: identity.IdentityDeps;
let mirano: string;

beforeAll(async () => {
  database = await testDatabase();
  deps = { db: database.db, sealKey: 'test-seal-key', timeouts: { idleSeconds: 600, absoluteSeconds: 3600 } };
  mirano = await enteId(database, 'mirano');
});
afterAll(() => database.close());

const PASSWORD = 'una password lunga 42';

async function activeAdmin(email: string) {
  const { userId, invitation } = await identity.inviteStaff(deps, 'sad-admin', {
    email,
    displayName: 'Anna Amministratrice',
    enteId: mirano,
    role: 'ente_admin',
  });
  const { totpSecret } = await identity.acceptInvitation(deps, invitation!, PASSWORD);
  // The previous 30-second step, so that the logins of the test can use the current and the next one.
  const done = await identity.confirmTotpSetup(deps, invitation!, totpNow(totpSecret, -1));
  if (done === 'wrong-code') throw new Error('setup failed');
  return { userId, totpSecret, invitation: invitation! };
}

describe('staff accounts', () => {
  it('activates an invited admin with a strong password and a confirmed authenticator', async () => {
    const { invitation } = await identity.inviteStaff(deps, 'sad-admin', {
      email: 'anna@comune.example.it',
      displayName: 'Anna',
      enteId: mirano,
      role: 'ente_admin',
    });
    await expect(identity.acceptInvitation(deps, invitation!, 'corta')).rejects.toMatchObject({
      code: 'PASSWORD_WEAK',
    });
    const { totpSecret } = await identity.acceptInvitation(deps, invitation!, PASSWORD);
    expect(await identity.confirmTotpSetup(deps, invitation!, '000000')).toBe('wrong-code');
    await expect(identity.postponeTotpSetup(deps, invitation!)).rejects.toMatchObject({
      code: 'INVITATION_INVALID',
    });
    const done = await identity.confirmTotpSetup(deps, invitation!, totpNow(totpSecret));
    expect(done).not.toBe('wrong-code');
    const { session, principal } = done as Exclude<typeof done, 'wrong-code'>;
    expect(principal.grants).toEqual([{ role: 'ente_admin', enteId: mirano }]);
    expect((await findSession(database.db, session))?.userId).toBe(principal.userId);
    // The link works once.
    expect(await identity.invitationAccount(deps, invitation!)).toBeNull();
  });

  it('logs in with password then TOTP code', async () => {
    const { totpSecret } = await activeAdmin('bruno@comune.example.it');
    const first = await identity.passwordLogin(deps, 'Bruno@Comune.Example.it', PASSWORD);
    expect(first.kind).toBe('totp');
    const challenge = (first as { challenge: string }).challenge;
    const second = await identity.totpLogin(deps, challenge, totpNow(totpSecret));
    expect(second.kind).toBe('signed-in');
    // The same code again, at a new login, is a replay: refused.
    const again = (await identity.passwordLogin(deps, 'bruno@comune.example.it', PASSWORD)) as {
      challenge: string;
    };
    expect((await identity.totpLogin(deps, again.challenge, totpNow(totpSecret))).kind).toBe('invalid');
    // A challenge is used once.
    await expect(identity.totpLogin(deps, challenge, totpNow(totpSecret))).rejects.toMatchObject({
      code: 'CHALLENGE_INVALID',
    });
  });

  it('answers an unknown address exactly like a wrong password', async () => {
    await activeAdmin('carla@comune.example.it');
    expect(await identity.passwordLogin(deps, 'nobody@comune.example.it', PASSWORD)).toEqual({
      kind: 'invalid',
    });
    expect(await identity.passwordLogin(deps, 'carla@comune.example.it', 'sbagliata ma lunga 1')).toEqual({
      kind: 'invalid',
    });
  });

  it('slows down and then locks out repeated failures, even with the right password', async () => {
    await activeAdmin('dario@comune.example.it');
    const wrong = () => identity.passwordLogin(deps, 'dario@comune.example.it', 'sbagliata ma lunga 1');
    expect((await wrong()).kind).toBe('invalid');
    expect((await wrong()).kind).toBe('invalid');
    const third = await wrong();
    expect(third).toEqual({ kind: 'locked', retryAfterSeconds: 30 });
    const right = await identity.passwordLogin(deps, 'dario@comune.example.it', PASSWORD);
    expect(right.kind).toBe('locked');
    const events = await sql<{
      action: string;
    }>`select action from audit_events where ente_id = ${mirano} and action like 'auth.%'`.execute(
      database.db,
    );
    expect(events.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['auth.login-failed', 'auth.locked']),
    );
    expect(JSON.stringify(events.rows)).not.toContain('dario@');
  });

  it('lets operators postpone the second factor, never admins', async () => {
    const { invitation } = await identity.inviteStaff(deps, 'admin', {
      email: 'elena@comune.example.it',
      displayName: 'Elena',
      enteId: mirano,
      role: 'operator',
      areas: ['anagrafe'],
    });
    await identity.acceptInvitation(deps, invitation!, PASSWORD);
    const { principal } = await identity.postponeTotpSetup(deps, invitation!);
    expect(principal.grants).toEqual([{ role: 'operator', enteId: mirano, areas: ['anagrafe'] }]);
    const again = await identity.passwordLogin(deps, 'elena@comune.example.it', PASSWORD);
    expect(again.kind).toBe('signed-in');
  });

  it('applies a new role to live sessions and ends sessions everywhere on request', async () => {
    const { totpSecret, userId } = await activeAdmin('franco@comune.example.it');
    const login = async (step: number) => {
      const first = (await identity.passwordLogin(deps, 'franco@comune.example.it', PASSWORD)) as {
        challenge: string;
      };
      return (await identity.totpLogin(deps, first.challenge, totpNow(totpSecret, step))) as {
        session: string;
        principal: { userId: string };
      };
    };
    const a = await login(0);
    const b = await login(1);
    const dolo = await enteId(database, 'dolo');
    const granted = await identity.inviteStaff(deps, 'sad-admin', {
      email: 'franco@comune.example.it',
      displayName: 'Franco',
      enteId: dolo,
      role: 'operator',
    });
    expect(granted.invitation).toBeNull();
    expect((await findSession(database.db, a.session))?.grants).toContainEqual({
      role: 'operator',
      enteId: dolo,
    });
    expect((await listSessions(database.db, userId)).length).toBeGreaterThanOrEqual(3);
    const current = await findSession(database.db, a.session);
    await identity.logout(deps, current!, true);
    expect(await findSession(database.db, a.session)).toBeNull();
    expect(await findSession(database.db, b.session)).toBeNull();
  });

  it('keeps the audit chains intact', async () => {
    expect((await verifyAudit(database.db, { enteId: mirano })).problems).toEqual([]);
  });
});
