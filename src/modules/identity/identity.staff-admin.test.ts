// The ente admin's staff pages, used as a browser would: isolation between enti, the roles an ente
// admin may grant, role changes and revocations (audited, effective in live sessions at once).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  enteId,
  sessionAs,
  type TestDatabase,
  testApp,
  testDatabase,
} from '../../../test/support.ts';
import type { Grant } from '../../platform/auth/policy.ts';
import { createSession, findSession } from '../../platform/auth/sessions.repo.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { type IdentityDeps, inviteStaff } from './identity.service.ts';

let database: TestDatabase;
let app: Awaited<ReturnType<typeof testApp>>['app'];
let deps: IdentityDeps;
let cona: string;
let dolo: string;

beforeAll(async () => {
  database = await testDatabase();
  ({ app } = await testApp(database));
  deps = {
    db: database.db,
    sealKey: await platformSecret(database.db, 'seal'),
    timeouts: { idleSeconds: 600, absoluteSeconds: 3600 },
  };
  cona = await enteId(database, 'cona');
  dolo = await enteId(database, 'dolo');
});
afterAll(async () => {
  await app.close();
  await database.close();
});

/** A staff account invited on the ente with the role, and a live session of it. */
async function staff(email: string, grant: Grant & { role: Exclude<Grant['role'], 'citizen'> }) {
  const { userId } = await inviteStaff(deps, 'test', {
    email,
    displayName: email.split('@')[0]!,
    enteId: grant.enteId!,
    role: grant.role,
  });
  const { token } = await createSession(database.db, {
    principal: { subject: userId, userId, displayName: email, grants: [grant] },
    userId,
  });
  return { userId, token, cookies: { cz_session: token } };
}

async function browserWith(cookies: Record<string, string>, page: string) {
  const browser = new Browser(app);
  browser.cookies = { ...cookies };
  await browser.get(page);
  return browser;
}

const auditOf = async (action: string, target: string) =>
  (
    await sql<{ ente_id: string; actor: string; content: Record<string, unknown> }>`
      select ente_id, actor, content from audit_events where action = ${action} and target_id = ${target}`.execute(
      database.db,
    )
  ).rows;

const grantsIn = async (ente: string, userId: string) =>
  (
    await sql<{ role: string; areas: string[] | null }>`
      select role, areas from staff_grants where ente_id = ${ente} and user_id = ${userId} order by role`.execute(
      database.db,
    )
  ).rows;

describe('the ente admin’s staff pages', () => {
  it('are only for the ente admin of that ente (or its SAD admin): another ente’s admin gets 403', async () => {
    const worker = await staff('anagrafe@comune.cona.example.it', { role: 'operator', enteId: cona });
    expect((await app.inject({ url: '/cona/admin/personale' })).statusCode).toBe(401);
    const doloAdmin = await sessionAs(database, 'admin-dolo', [{ role: 'ente_admin', enteId: dolo }]);
    const intruder = await browserWith(doloAdmin, '/dolo/admin/personale');
    const base = `/cona/admin/personale`;
    expect((await intruder.get(base)).statusCode).toBe(403);
    expect((await intruder.get(`${base}/${worker.userId}`)).statusCode).toBe(403);
    const invite = await intruder.post(base, { name: 'X', email: 'x@esempio.it', role: 'operator' });
    expect(invite.statusCode).toBe(403);
    const change = await intruder.post(`${base}/${worker.userId}/ruolo`, {
      from: 'operator',
      role: 'analyst',
    });
    expect(change.statusCode).toBe(403);
    const revoke = await intruder.post(`${base}/${worker.userId}/revoca`, { role: 'operator' });
    expect(revoke.statusCode).toBe(403);
    // Refused by the policy (the page is already framed as Cona's), not by a missing CSRF token.
    for (const res of [invite, change, revoke]) expect(res.body).toContain('Comune di Cona');
    const own = await intruder.post('/dolo/admin/personale', { name: '', email: '', role: 'operator' });
    expect(own.statusCode).toBe(400);
    expect(await grantsIn(cona, worker.userId)).toEqual([{ role: 'operator', areas: null }]);
    const accounts = await sql<{ n: number }>`
      select count(*)::int as n from staff_accounts where email = 'x@esempio.it'`.execute(database.db);
    expect(accounts.rows[0]!.n).toBe(0);
    // Nor does Dolo's list show Cona's staff, nor Cona's people open under Dolo.
    const doloList = await intruder.get('/dolo/admin/personale');
    expect(doloList.body).not.toContain('anagrafe@comune.cona.example.it');
    expect((await intruder.get(`/dolo/admin/personale/${worker.userId}`)).statusCode).toBe(404);
    // The SAD's admin manages the staff of its comuni.
    const sadAdmin = await sessionAs(database, 'sad-admin', [
      { role: 'sad_admin', enteId: await enteId(database, 'cm-venezia') },
    ]);
    const list = await app.inject({ url: base, cookies: sadAdmin });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('anagrafe@comune.cona.example.it');
  });

  it('invites a person with a role of the ente, shows the activation link, and audits the invitation', async () => {
    const admin = await staff('sindaca@comune.cona.example.it', { role: 'ente_admin', enteId: cona });
    const browser = await browserWith(admin.cookies, '/cona/admin/personale');
    const bad = await browser.post('/cona/admin/personale', { name: '', email: 'no', role: 'operator' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="name-error"');
    expect(bad.body).toContain('id="email-error"');
    const done = await browser.post('/cona/admin/personale', {
      name: 'Elisa Tributi',
      email: 'tributi@comune.cona.example.it',
      role: 'operator',
      areas: 'tributi, commercio',
    });
    expect(done.statusCode).toBe(200);
    expect(/data-invitation[^>]*>([^<]+)</.exec(done.body)![1]).toContain('/accedi/invito?t=');
    expect(done.body).toContain('data-staff="tributi@comune.cona.example.it"');
    const invited = await sql<{ user_id: string }>`
      select user_id from staff_accounts where email = 'tributi@comune.cona.example.it'`.execute(database.db);
    const userId = invited.rows[0]!.user_id;
    expect(await grantsIn(cona, userId)).toEqual([{ role: 'operator', areas: ['tributi', 'commercio'] }]);
    expect(await auditOf('staff.invite', userId)).toEqual([
      { ente_id: cona, actor: admin.userId, content: { role: 'operator', areas: ['tributi', 'commercio'] } },
    ]);
  });

  it('cannot reach an account with roles elsewhere: no new activation link, no grant', async () => {
    const admin = await staff('admin3@comune.cona.example.it', { role: 'ente_admin', enteId: cona });
    // A pending ente admin of Dolo, and a pending SAD admin: the Cona admin must not obtain their links.
    const pending = await inviteStaff(deps, 'test', {
      email: 'capo@comune.dolo.example.it',
      displayName: 'Capo',
      enteId: dolo,
      role: 'ente_admin',
    });
    const sad = await inviteStaff(deps, 'test', {
      email: 'sad@example.it',
      displayName: 'SAD',
      enteId: await enteId(database, 'cm-venezia'),
      role: 'sad_admin',
    });
    const browser = await browserWith(admin.cookies, '/cona/admin/personale');
    for (const [email, userId] of [
      ['capo@comune.dolo.example.it', pending.userId],
      ['sad@example.it', sad.userId],
    ] as const) {
      const tokensBefore = await sql<{ n: string }>`
        select count(*) as n from auth_tokens where user_id = ${userId} and used_at is null`.execute(
        database.db,
      );
      const answer = await browser.post('/cona/admin/personale', { name: 'X', email, role: 'analyst' });
      expect(answer.statusCode).toBe(400);
      expect(answer.body).toContain('id="email-error"');
      expect(answer.body).not.toContain('/accedi/invito?t=');
      expect(await grantsIn(cona, userId)).toEqual([]);
      const tokensAfter = await sql<{ n: string }>`
        select count(*) as n from auth_tokens where user_id = ${userId} and used_at is null`.execute(
        database.db,
      );
      expect(tokensAfter.rows[0]!.n).toBe(tokensBefore.rows[0]!.n);
    }
  });

  it('never grants a SAD admin role, nor lets one be changed or revoked from an ente’s page', async () => {
    const admin = await staff('segretario@comune.cona.example.it', { role: 'ente_admin', enteId: cona });
    const browser = await browserWith(admin.cookies, '/cona/admin/personale');
    const form = await browser.get('/cona/admin/personale');
    expect(form.body).not.toContain('value="sad_admin"');
    const refused = await browser.post('/cona/admin/personale', {
      name: 'Troppo Potere',
      email: 'potere@comune.cona.example.it',
      role: 'sad_admin',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('id="role-error"');
    const none = await sql<{ n: number }>`
      select count(*)::int as n from staff_accounts where email = 'potere@comune.cona.example.it'`.execute(
      database.db,
    );
    expect(none.rows[0]!.n).toBe(0);
    // The ente admin of the SAD itself sees its SAD admins but cannot touch their role.
    const sad = await enteId(database, 'cm-venezia');
    const sadAdmin = await staff('direttore@cittametropolitana.example.it', {
      role: 'sad_admin',
      enteId: sad,
    });
    const sadEnteAdmin = await sessionAs(database, 'admin-cm', [{ role: 'ente_admin', enteId: sad }]);
    const other = await browserWith(sadEnteAdmin, `/cm-venezia/admin/personale/${sadAdmin.userId}`);
    const person = await other.get(`/cm-venezia/admin/personale/${sadAdmin.userId}`);
    expect(person.body).toContain('si gestisce dalla console del Soggetto Aggregatore');
    expect(person.body).not.toContain('/revoca');
    await other.get('/cm-venezia/admin/personale'); // a form's token, to post what the page does not offer
    const revoke = await other.post(`/cm-venezia/admin/personale/${sadAdmin.userId}/revoca`, {
      role: 'sad_admin',
    });
    expect(revoke.statusCode).toBe(403);
    const change = await other.post(`/cm-venezia/admin/personale/${sadAdmin.userId}/ruolo`, {
      from: 'sad_admin',
      role: 'operator',
    });
    expect(change.statusCode).toBe(400);
    expect(await grantsIn(sad, sadAdmin.userId)).toEqual([{ role: 'sad_admin', areas: null }]);
  });

  it('changes a role: audited as a role change, live at once in the person’s sessions', async () => {
    const admin = await staff('vicesindaco@comune.cona.example.it', { role: 'ente_admin', enteId: cona });
    const person = await staff('demografici@comune.cona.example.it', { role: 'operator', enteId: cona });
    const browser = await browserWith(admin.cookies, `/cona/admin/personale/${person.userId}`);
    const changed = await browser.post(`/cona/admin/personale/${person.userId}/ruolo`, {
      from: 'operator',
      role: 'data_publisher',
    });
    expect(changed.statusCode).toBe(303);
    const page = await browser.get(changed.headers.location as string);
    expect(page.body).toContain('Ruolo cambiato.');
    expect(page.body).toContain('data-grant="data_publisher"');
    expect(await grantsIn(cona, person.userId)).toEqual([{ role: 'data_publisher', areas: null }]);
    expect(await auditOf('staff.role-change', person.userId)).toEqual([
      {
        ente_id: cona,
        actor: admin.userId,
        content: { from: 'operator', to: 'data_publisher', areas: null },
      },
    ]);
    const live = await findSession(database.db, person.token);
    expect(live!.grants).toEqual([{ role: 'data_publisher', enteId: cona }]);
    // Back to operator, now with service areas; a role the person already holds is refused.
    const again = await browser.post(`/cona/admin/personale/${person.userId}/ruolo`, {
      from: 'data_publisher',
      role: 'operator',
      areas: 'anagrafe',
    });
    expect(again.statusCode).toBe(303);
    expect(await grantsIn(cona, person.userId)).toEqual([{ role: 'operator', areas: ['anagrafe'] }]);
    await inviteStaff(deps, 'test', {
      email: 'demografici@comune.cona.example.it',
      displayName: 'x',
      enteId: cona,
      role: 'analyst',
    });
    await browser.get(`/cona/admin/personale/${person.userId}`);
    const held = await browser.post(`/cona/admin/personale/${person.userId}/ruolo`, {
      from: 'operator',
      role: 'analyst',
    });
    expect(held.statusCode).toBe(409);
    expect(held.body).toContain('La persona ha già questo ruolo.');
    expect(await grantsIn(cona, person.userId)).toHaveLength(2);
  });

  it('revokes a role, audited, and the person loses it at once', async () => {
    const admin = await staff('assessore@comune.cona.example.it', { role: 'ente_admin', enteId: cona });
    const person = await staff('statistica@comune.cona.example.it', { role: 'analyst', enteId: cona });
    const browser = await browserWith(admin.cookies, `/cona/admin/personale/${person.userId}`);
    const revoked = await browser.post(`/cona/admin/personale/${person.userId}/revoca`, { role: 'analyst' });
    expect(revoked.statusCode).toBe(303);
    expect((await browser.get(revoked.headers.location as string)).body).toContain('Ruolo revocato.');
    expect(await grantsIn(cona, person.userId)).toEqual([]);
    expect(await auditOf('staff.revoke', person.userId)).toEqual([
      { ente_id: cona, actor: admin.userId, content: { role: 'analyst' } },
    ]);
    expect((await findSession(database.db, person.token))!.grants).toEqual([]);
  });

  it('does not let an admin remove their own ente admin role', async () => {
    const admin = await staff('unico.admin@comune.cona.example.it', { role: 'ente_admin', enteId: cona });
    const browser = await browserWith(admin.cookies, `/cona/admin/personale/${admin.userId}`);
    const revoke = await browser.post(`/cona/admin/personale/${admin.userId}/revoca`, { role: 'ente_admin' });
    expect(revoke.statusCode).toBe(409);
    expect(revoke.body).toContain('Non puoi togliere a te stesso il ruolo di amministratore');
    const change = await browser.post(`/cona/admin/personale/${admin.userId}/ruolo`, {
      from: 'ente_admin',
      role: 'operator',
    });
    expect(change.statusCode).toBe(409);
    expect(await grantsIn(cona, admin.userId)).toEqual([{ role: 'ente_admin', areas: null }]);
    expect(await auditOf('staff.revoke', admin.userId)).toEqual([]);
  });

  it('answers 404, not 500, for a person id that is not one', async () => {
    const admin = await sessionAs(database, 'admin-cona', [{ role: 'ente_admin', enteId: cona }]);
    const res = await app.inject({ url: '/cona/admin/personale/not-a-uuid', cookies: admin });
    expect(res.statusCode).toBe(404);
  });
});
