// The ente's certificate settings without HTTP: a configured seal (made by a test CA, synthetic) seals
// the next certificates while one sealed before still verifies; bad seal files are refused and nothing is
// stored; verification pins signers to the ente's seal history and, with trust anchors, requires the
// chain; the stamp-duty authorisation and the coat of arms reach the PDF; a test seal never signs with
// the sandbox off; the new tables are tenant-isolated. The rules alone: certificate-settings.rules.test.ts.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../../test/support.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import type { PaidEvent } from '../payments/index.ts';
import { type PayingEnte, payingEnte, SEAL_KEY } from '../payments/payments.test-support.ts';
import { emblemPng, figureAltTexts, pdfText } from '../payments/pdf-tools.test-support.ts';
import { localRegistry, seedPopulation } from '../registry/index.ts';
import { enteSeal, forgetEnteSeal } from './certificate-seal.ts';
import { days, variantSeal } from './certificate-settings.test-support.ts';
import {
  certificateSettings,
  configureSeal,
  removeEmblem,
  saveEmblem,
  saveStampAuthorisation,
  sealHistory,
} from './certificate-settings.ts';
import {
  type CertificatesDeps,
  findCertificate,
  issuePaidCertificate,
  requestCertificate,
} from './certificates.service.ts';
import { sealPdf } from './seal/pades.ts';
import { createTestCa, issueTestSeal } from './seal/test-ca.ts';
import { fingerprintOf, verifySealedPdf } from './seal/verify.ts';
import { loadTrustAnchors, verifyByPdf } from './verification.ts';

const GIULIA = 'ZNTGLI84C52L736W';
const PASS = 'passphrase-di-prova';
const actor = { subject: 'admin-jesolo', requestId: 'req-1' };

let database: TestDatabase;
let jesolo: PayingEnte;
let caorle: PayingEnte;
let deps: CertificatesDeps;
const qtsp = createTestCa('Prova QTSP');
const configured = issueTestSeal(qtsp, { enteName: 'Comune di Jesolo', vatNumber: '00608720272' }, PASS);

const issue = async (exemptionCode: string | null = 'PENSIONE') => {
  const requested = await requestCertificate(deps, {
    enteId: jesolo.id,
    requester: { kind: 'citizen', userId: 'spid:giulia', fiscalCode: GIULIA },
    subjectFiscalCode: GIULIA,
    type: 'residenza',
    exemptionCode,
    channel: 'online',
  });
  return { requested, row: (await findCertificate(database.db, jesolo.id, requested.id))! };
};
const verify = (pdf: Buffer, anchors: X509Certificate[] = []) =>
  verifyByPdf({ ...deps, trustAnchors: anchors }, pdf);
const count = async (table: string, enteId: string) =>
  Number(
    (
      await sql<{
        n: string;
      }>`select count(*) as n from ${sql.table(table)} where ente_id = ${enteId}`.execute(database.db)
    ).rows[0]!.n,
  );

let before: Buffer;
let after: Buffer;

beforeAll(async () => {
  database = await testDatabase();
  jesolo = await payingEnte(database, 'jesolo');
  caorle = await payingEnte(database, 'caorle', '02');
  await seedPopulation(database.db, { enteId: jesolo.id, istatCode: '027019', size: 20 });
  deps = {
    db: database.db,
    sealKey: SEAL_KEY,
    sandbox: true,
    registry: localRegistry(database.db),
    publicUrl: 'http://localhost:3000',
  };
  before = (await issue()).row.pdf!;
}, 120_000);
afterAll(() => database.close());

describe('the ente’s own seal', () => {
  it('refuses bad seal files next to the field and stores nothing', async () => {
    const seals = () => count('certificate_seal_history', jesolo.id);
    const stored = await seals();
    const attempt = (p12: Buffer | null, passphrase = PASS) =>
      configureSeal({ ...deps, trustAnchors: [] }, actor, jesolo.id, { p12, passphrase });
    const issues = async (p12: Buffer | null, passphrase = PASS) => {
      const outcome = await attempt(p12, passphrase);
      return outcome.ok ? [] : outcome.issues;
    };
    expect(await issues(configured.p12, 'sbagliata')).toEqual([
      { field: 'passphrase', problem: 'wrongPassphrase' },
    ]);
    expect(await issues(configured.p12, '')).toEqual([{ field: 'passphrase', problem: 'required' }]);
    expect(await issues(Buffer.from('%PDF-1.7 not a PKCS#12 at all'))).toEqual([
      { field: 'p12', problem: 'notPkcs12' },
    ]);
    expect(await issues(null, '')).toEqual([
      { field: 'p12', problem: 'noFile' },
      { field: 'passphrase', problem: 'required' },
    ]);
    const variant = (change: Parameters<typeof variantSeal>[3]) =>
      variantSeal(qtsp, configured, PASS, change).p12;
    expect(await issues(variant({ notBefore: days(-800), notAfter: days(-1) }))).toEqual([
      { field: 'p12', problem: 'expired' },
    ]);
    expect(await issues(variant({ notBefore: days(2) }))).toEqual([{ field: 'p12', problem: 'notYetValid' }]);
    expect(await issues(variant({ keyUsage: KeyUsageFlags.keyEncipherment }))).toEqual([
      { field: 'p12', problem: 'keyUsage' },
    ]);
    expect(await issues(variant({ rsaBits: 1024 }))).toEqual([{ field: 'p12', problem: 'keyType' }]);
    // A good seal, but another organisation's (Caorle's fiscal code): never Jesolo's.
    const caorles = issueTestSeal(qtsp, { enteName: 'Comune di Caorle', vatNumber: '00321280273' }, PASS);
    expect(await issues(caorles.p12)).toEqual([{ field: 'p12', problem: 'otherOrganisation' }]);
    const anchored = await configureSeal(
      { ...deps, trustAnchors: [new X509Certificate(createTestCa('Altra').certPem)] },
      actor,
      jesolo.id,
      { p12: configured.p12, passphrase: PASS },
    );
    expect(anchored).toEqual({ ok: false, issues: [{ field: 'p12', problem: 'untrustedIssuer' }] });
    expect(await seals()).toBe(stored);
    expect((await sealHistory(database.db, jesolo.id)).map((s) => s.kind)).toEqual(['test']);
  }, 60_000);

  it('seals the next certificates with the uploaded seal; one sealed earlier still verifies', async () => {
    const outcome = await configureSeal({ ...deps, trustAnchors: [] }, actor, jesolo.id, {
      p12: configured.p12,
      passphrase: PASS,
    });
    expect(outcome).toMatchObject({ ok: true, value: { organizationIdentifier: 'VATIT-00608720272' } });
    after = (await issue()).row.pdf!;
    const fingerprint = fingerprintOf(new X509Certificate(configured.certPem));
    expect(verifySealedPdf(after, qtsp.certPem)).toMatchObject({ valid: true, fingerprint });
    expect(await pdfText(after)).not.toContain('DOCUMENTO DI PROVA');
    expect(await verify(before)).toMatchObject({ valid: true });
    expect(await verify(after)).toMatchObject({ valid: true });
    const history = await sealHistory(database.db, jesolo.id);
    expect(history.map((s) => [s.kind, s.inUseTo === null])).toEqual([
      ['configured', true],
      ['test', false],
    ]);
    const audit = await sql<{ content: unknown }>`select content from audit_events
      where ente_id = ${jesolo.id} and action = 'certificate.seal.configure'`.execute(database.db);
    expect(audit.rows).toHaveLength(1);
    const text = JSON.stringify(audit.rows[0]!.content);
    expect(text).toContain(fingerprint);
    expect(text).not.toContain(PASS);
    expect(text).not.toContain(configured.p12.toString('base64').slice(0, 40));
  }, 60_000);

  it('says untrusted for a seal the ente never had, or one not chaining to the trust anchors', async () => {
    const stranger = createTestCa('Estranea');
    const foreign = issueTestSeal(stranger, { enteName: 'Comune di Jesolo', vatNumber: '00608720272' }, PASS);
    const resealed = await sealPdf(
      after,
      { p12: foreign.p12, passphrase: PASS },
      { reason: 'x', location: 'x', name: 'x' },
    );
    expect(await verify(resealed)).toEqual({ valid: false, reason: 'untrusted' });

    const dir = await mkdtemp(path.join(os.tmpdir(), 'convergenza-anchors-'));
    try {
      await writeFile(path.join(dir, 'others.pem'), stranger.certPem);
      await writeFile(path.join(dir, 'both.pem'), `${stranger.certPem}\n${qtsp.certPem}`);
      await writeFile(path.join(dir, 'broken.pem'), 'not a certificate');
      const others = await loadTrustAnchors(path.join(dir, 'others.pem'));
      const both = await loadTrustAnchors(path.join(dir, 'both.pem'));
      expect(both).toHaveLength(2);
      await expect(loadTrustAnchors(path.join(dir, 'broken.pem'))).rejects.toThrow(/PEM/);
      expect(await verify(after, others)).toEqual({ valid: false, reason: 'untrusted' });
      expect(await verify(after, both)).toMatchObject({ valid: true });
      // The sandbox's test seal chains to the installation's test CA, not to these anchors.
      expect(await verify(before, both)).toEqual({ valid: false, reason: 'untrusted' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const altered = Buffer.from(after);
    altered[400] = altered[400]! ^ 0x01;
    expect(await verify(altered)).toEqual({ valid: false, reason: 'digest' });
  }, 60_000);

  it('never signs with a test seal once the sandbox is off', async () => {
    await enteSeal(deps, caorle.id);
    forgetEnteSeal(caorle.id);
    await expect(enteSeal({ ...deps, sandbox: false }, caorle.id)).rejects.toMatchObject({
      code: 'SEAL_NOT_CONFIGURED',
    });
    forgetEnteSeal(jesolo.id);
    await expect(enteSeal({ ...deps, sandbox: false }, jesolo.id)).resolves.toMatchObject({ test: false });
  });

  it('carried 0013’s seals into the history with the fingerprint the code computes', async () => {
    const rows = await sql<{ cert_pem: string; fingerprint: string }>`
      select cert_pem, encode(sha256(decode(regexp_replace(cert_pem, '-----[A-Z ]+-----|\\s', '', 'g'),
        'base64')), 'hex') as fingerprint from certificate_seals`.execute(database.db);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const row of rows.rows)
      expect(row.fingerprint).toBe(fingerprintOf(new X509Certificate(row.cert_pem)));
  });
});

describe('stamp-duty authorisation and coat of arms', () => {
  it('prints the authorisation and the coat of arms on a paid certificate', async () => {
    const saved = await saveStampAuthorisation(database.db, actor, jesolo.id, {
      office: 'Venezia 1',
      number: '2019/1234',
      date: '2019-03-15',
    });
    expect(saved.ok).toBe(true);
    expect((await saveEmblem(database.db, actor, jesolo.id, emblemPng(80, 96))).ok).toBe(true);
    const { requested } = await issue(null);
    const { noticeNumber, iuv, positionId } = requested.payment!;
    const event: PaidEvent = {
      enteId: jesolo.id,
      positionId,
      iupd: 'x',
      source: { module: 'certificates', ref: requested.id },
      receipt: {
        receiptId: 'r',
        iuv,
        noticeNumber,
        amountCents: 1600,
        paymentDateTime: '',
        pspCompanyName: '',
      },
    };
    expect(await issuePaidCertificate(deps, event)).toBe(true);
    const pdf = (await findCertificate(database.db, jesolo.id, requested.id))!.pdf!;
    expect((await pdfText(pdf)).replace(/\s+/g, ' ')).toContain(
      'Imposta di bollo di € 16,00 assolta in modo virtuale – Autorizzazione Agenzia delle Entrate, ' +
        `Ufficio di Venezia 1, n. 2019/1234 del 15/03/2019 – tramite pagoPA (avviso n. ${noticeNumber}).`,
    );
    expect(figureAltTexts(pdf)).toContain('Stemma del Comune di Jesolo');
    expect(pdf.toString('latin1')).toContain('/Subtype /Image');
    expect(await verify(pdf)).toMatchObject({ valid: true });

    await removeEmblem(database.db, actor, jesolo.id);
    expect((await certificateSettings(database.db, jesolo.id)).emblem).toBeNull();
    const actions = await sql<{ action: string }>`select action from audit_events
      where ente_id = ${jesolo.id} and target_type = 'certificate_settings' order by seq`.execute(
      database.db,
    );
    expect(actions.rows.map((r) => r.action)).toEqual([
      'certificate.seal.configure',
      'certificate.stamp_authorisation.update',
      'certificate.emblem.update',
      'certificate.emblem.remove',
    ]);
  }, 60_000);
});

describe('tenant isolation', () => {
  it.each(['certificate_settings', 'certificate_seal_history'])(
    '%s: another ente sees none of its rows',
    async (table) => {
      expect(await count(table, jesolo.id)).toBeGreaterThan(0);
      const seen = await withTenant(database.db, caorle.id, (trx) =>
        sql<{
          n: string;
        }>`select count(*) as n from ${sql.table(table)} where ente_id = ${jesolo.id}`.execute(trx),
      );
      expect(Number(seen.rows[0]!.n)).toBe(0);
      const changed = await withTenant(database.db, caorle.id, (trx) =>
        sql`update ${sql.table(table)} set ente_id = ente_id where ente_id = ${jesolo.id}`.execute(trx),
      );
      expect(Number(changed.numAffectedRows ?? 0)).toBe(0);
    },
  );
});
