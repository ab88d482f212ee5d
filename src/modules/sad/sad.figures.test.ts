// The SAD console's certificate figures: per comune, month, type and channel with the exempt ones, on the
// page and as CSV; only the admin's own aggregation; bad months answered next to the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enteId, sessionAs, type TestDatabase, testApp, testDatabase } from '../../../test/support.ts';
import { platformSecret } from '../../platform/secrets.repo.ts';
import { type CertificatesDeps, requestCertificate } from '../certificates/index.ts';
import { localRegistry, seedPopulation } from '../registry/index.ts';
import { seedAggregation } from '../tenancy/index.ts';

const GIULIA = 'ZNTGLI84C52L736W';
const SOFIA = 'ZNTSFO12H65L736X';

let database: TestDatabase;
let built: Awaited<ReturnType<typeof testApp>>;
let admin: Record<string, string>;
let month: string;

beforeAll(async () => {
  database = await testDatabase();
  built = await testApp(database, { SANDBOX: 'true' });
  const jesolo = await enteId(database, 'jesolo');
  await seedPopulation(database.db, { enteId: jesolo, istatCode: '027019', size: 10 });
  const deps: CertificatesDeps = {
    db: database.db,
    sealKey: await platformSecret(database.db, 'seal'),
    sandbox: true,
    registry: localRegistry(database.db),
    publicUrl: 'http://localhost:3000',
  };
  const giulia = { kind: 'citizen' as const, userId: 'spid:giulia', fiscalCode: GIULIA };
  for (const [subject, type] of [
    [GIULIA, 'residenza'],
    [SOFIA, 'residenza'],
    [GIULIA, 'nascita'],
  ] as const) {
    await requestCertificate(deps, {
      enteId: jesolo,
      requester: giulia,
      subjectFiscalCode: subject,
      type,
      exemptionCode: type === 'residenza' ? 'PENSIONE' : null,
      channel: 'online',
    });
  }
  await requestCertificate(deps, {
    enteId: jesolo,
    requester: { kind: 'operator', userId: 'clerk' },
    subjectFiscalCode: GIULIA,
    type: 'stato_famiglia',
    stampDutyMark: '11112222333344',
    channel: 'counter',
  });
  admin = await sessionAs(database, 'sad-admin', [
    { role: 'sad_admin', enteId: await enteId(database, 'cm-venezia') },
  ]);
  // The figures count by the month in Italy.
  month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date()).slice(0, 7);
}, 120_000);
afterAll(async () => {
  await built.app.close();
  await database.close();
});

describe('/sad/certificati', () => {
  it('is only for SAD admins', async () => {
    expect((await built.app.inject({ url: '/sad/certificati' })).statusCode).toBe(401);
    const enteAdmin = await sessionAs(database, 'x', [
      { role: 'ente_admin', enteId: await enteId(database, 'jesolo') },
    ]);
    expect((await built.app.inject({ url: '/sad/certificati', cookies: enteAdmin })).statusCode).toBe(403);
  });

  it('counts per comune, month, type and channel, with the exempt ones', async () => {
    const page = await built.app.inject({ url: `/sad/certificati?dal=${month}&al=${month}`, cookies: admin });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-total="4"');
    const csv = await built.app.inject({
      url: `/sad/certificati?dal=${month}&al=${month}&ente=jesolo&formato=csv`,
      cookies: admin,
    });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('ente;codice_istat;mese;tipo;canale;rilasciati;esenti');
    expect(lines.slice(1).sort()).toEqual(
      [
        `Comune di Jesolo;027019;${month};nascita;online;1;1`,
        `Comune di Jesolo;027019;${month};residenza;online;2;2`,
        `Comune di Jesolo;027019;${month};stato_famiglia;counter;1;0`,
      ].sort(),
    );
  });

  it('shows nothing of another aggregation, and an empty range before any issue', async () => {
    const { sad: treviso } = await seedAggregation(database.db, 'treviso');
    const other = await sessionAs(database, 'treviso-admin', [{ role: 'sad_admin', enteId: treviso.id }]);
    const page = await built.app.inject({ url: `/sad/certificati?dal=${month}&al=${month}`, cookies: other });
    expect(page.body).toContain('data-total="0"');
    expect(page.body).not.toContain('Jesolo');
    const past = await built.app.inject({ url: '/sad/certificati?dal=2020-01&al=2020-12', cookies: admin });
    expect(past.body).toContain('data-total="0"');
  });

  it('answers a bad month next to the field, never a 500', async () => {
    for (const query of [
      'dal=2026-13&al=2026-01',
      'dal=x&al=y',
      `dal=${month}&al=2000-01`,
      'dal=0000-01&al=2026-01',
    ]) {
      const res = await built.app.inject({ url: `/sad/certificati?${query}`, cookies: admin });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('-error"');
    }
  });
});
