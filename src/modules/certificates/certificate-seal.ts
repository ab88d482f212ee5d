// The seal each ente's certificates carry. Production: the ente's own (qualified) seal as a PKCS#12,
// stored sealed in certificate_seals with kind 'configured', uploaded by an administrator on
// /{slug}/admin/certificati (certificate-settings.ts); without it issuing fails with SEAL_NOT_CONFIGURED,
// and so does a test seal left over once the sandbox is off. Demo (sandbox on): on first use a test seal
// is issued from the installation's test CA (platform_secrets 'certificates.test-ca'). Every seal is also
// recorded in the ente's seal history (0015), which the public verification pins signers to.
import { X509Certificate } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { seal, unseal } from '../../platform/seal.ts';
import { platformSecretWith } from '../../platform/secrets.repo.ts';
import { getEnte } from '../tenancy/index.ts';
import { recordSealInUse } from './certificate-settings.repo.ts';
import * as repo from './certificates.repo.ts';
import { createTestCa, exportTestCa, importTestCa, issueTestSeal, type TestCa } from './seal/test-ca.ts';
import { fingerprintOf } from './seal/verify.ts';

export const TEST_CA_SECRET = 'certificates.test-ca';

export interface SealDeps {
  db: Db;
  /** The installation's seal secret (PKCS#12 and passphrase are stored sealed with it). */
  sealKey: string;
  /** Sandbox on: an ente without a seal gets a test seal on first use. */
  sandbox: boolean;
}

export interface EnteSeal {
  p12: Buffer;
  passphrase: string;
  /** A test seal: the PDF says TEST and carries no legal value. */
  test: boolean;
}

/**
 * How long a process keeps an ente's seal. The process that replaces a seal forgets it at once
 * (forgetEnteSeal); other processes pick the new one up within this TTL, as the platform's other caches
 * (ARCHITECTURE.md, "Where state lives") — not at restart, which an ente admin cannot ask for. Sealing
 * with the previous seal meanwhile is harmless: it stays in the seal history, so those certificates verify.
 */
export const SEAL_CACHE_MS = 30_000;
const cache = new Map<string, { seal: EnteSeal; until: number }>();
let testCa: Promise<TestCa> | undefined;

/** The installation's test CA, made once and kept in platform_secrets (demo and tests only). */
export function installationTestCa(db: Db): Promise<TestCa> {
  testCa ??= platformSecretWith(db, TEST_CA_SECRET, () => exportTestCa(createTestCa()))
    .then(importTestCa)
    .catch((error) => {
      testCa = undefined;
      throw error;
    });
  return testCa;
}

/** The test CA's certificate, for independent checks of test seals (pdfsig); /verifica pins seals instead. */
export const testCaPem = async (db: Db) => (await installationTestCa(db)).certPem;

async function createTestSeal(deps: SealDeps, enteId: string): Promise<void> {
  const { ente } = await getEnte(deps.db, enteId);
  const ca = await installationTestCa(deps.db);
  const passphrase = crypto.randomUUID();
  const subject = ente.fiscalCode
    ? { enteName: ente.name, fiscalCode: ente.fiscalCode }
    : { enteName: ente.name, fiscalCode: ente.id.replaceAll('-', '').slice(0, 11) };
  const made = issueTestSeal(ca, subject, passphrase);
  await withTenant(deps.db, enteId, async (trx) => {
    await repo.insertSealIfMissing(trx, {
      ente_id: enteId,
      kind: 'test',
      p12_sealed: seal(made.p12.toString('base64'), deps.sealKey),
      passphrase_sealed: seal(passphrase, deps.sealKey),
      cert_pem: made.certPem,
    });
    // A concurrent first use stored its own seal: the history then keeps that one (the current one).
    const fingerprint = fingerprintOf(new X509Certificate(made.certPem));
    await recordSealInUse(trx, { ente_id: enteId, fingerprint, kind: 'test', cert_pem: made.certPem }, false);
  });
}

const notConfigured = () =>
  new AppError(
    'SEAL_NOT_CONFIGURED',
    503,
    "The ente's electronic seal (PKCS#12) is not configured: certificates cannot be issued.",
  );

/** The ente's seal; with the sandbox on, a test seal is created the first time. */
export async function enteSeal(deps: SealDeps, enteId: string): Promise<EnteSeal> {
  const cached = cache.get(enteId);
  if (cached && cached.until > Date.now()) return cached.seal;
  let row = await withTenant(deps.db, enteId, (trx) => repo.findSeal(trx, enteId));
  if (!row) {
    if (!deps.sandbox) throw notConfigured();
    await createTestSeal(deps, enteId);
    row = await withTenant(deps.db, enteId, (trx) => repo.findSeal(trx, enteId));
  }
  if (!row) throw new Error(`certificates: seal of ente ${enteId} not stored`);
  // A test seal never signs once the sandbox is off: such a certificate would have no legal value.
  if (row.kind === 'test' && !deps.sandbox) throw notConfigured();
  const found: EnteSeal = {
    p12: Buffer.from(unseal(row.p12_sealed, deps.sealKey), 'base64'),
    passphrase: unseal(row.passphrase_sealed, deps.sealKey),
    test: row.kind === 'test',
  };
  cache.set(enteId, { seal: found, until: Date.now() + SEAL_CACHE_MS });
  return found;
}

/** This process forgets the ente's seal: the next certificate reads the one stored now. */
export function forgetEnteSeal(enteId: string): void {
  cache.delete(enteId);
}
