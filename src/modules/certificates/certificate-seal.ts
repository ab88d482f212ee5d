// The seal each ente's certificates carry. Production: the ente's own (qualified) seal as a PKCS#12,
// stored sealed in certificate_seals with kind 'configured' — uploading it (admin page or CLI) is the
// seam left for later: without it issuing fails with SEAL_NOT_CONFIGURED. Demo (sandbox on): on first
// use a test seal is issued from the installation's test CA (platform_secrets 'certificates.test-ca').
import type { Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { seal, unseal } from '../../platform/seal.ts';
import { platformSecretWith } from '../../platform/secrets.repo.ts';
import { getEnte } from '../tenancy/index.ts';
import * as repo from './certificates.repo.ts';
import { createTestCa, exportTestCa, importTestCa, issueTestSeal, type TestCa } from './seal/test-ca.ts';

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

const cache = new Map<string, EnteSeal>();
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

/** The test CA's certificate: the trust anchor the verification of test-sealed certificates uses. */
export const testCaPem = async (db: Db) => (await installationTestCa(db)).certPem;

async function createTestSeal(deps: SealDeps, enteId: string): Promise<void> {
  const { ente } = await getEnte(deps.db, enteId);
  const ca = await installationTestCa(deps.db);
  const passphrase = crypto.randomUUID();
  const subject = ente.fiscalCode
    ? { enteName: ente.name, fiscalCode: ente.fiscalCode }
    : { enteName: ente.name, fiscalCode: ente.id.replaceAll('-', '').slice(0, 11) };
  const made = issueTestSeal(ca, subject, passphrase);
  await withTenant(deps.db, enteId, (trx) =>
    repo.insertSealIfMissing(trx, {
      ente_id: enteId,
      kind: 'test',
      p12_sealed: seal(made.p12.toString('base64'), deps.sealKey),
      passphrase_sealed: seal(passphrase, deps.sealKey),
      cert_pem: made.certPem,
    }),
  );
}

/** The ente's seal; with the sandbox on, a test seal is created the first time. */
export async function enteSeal(deps: SealDeps, enteId: string): Promise<EnteSeal> {
  const cached = cache.get(enteId);
  if (cached) return cached;
  let row = await withTenant(deps.db, enteId, (trx) => repo.findSeal(trx, enteId));
  if (!row) {
    if (!deps.sandbox) {
      throw new AppError(
        'SEAL_NOT_CONFIGURED',
        503,
        "The ente's electronic seal (PKCS#12) is not configured: certificates cannot be issued.",
      );
    }
    await createTestSeal(deps, enteId);
    row = await withTenant(deps.db, enteId, (trx) => repo.findSeal(trx, enteId));
  }
  if (!row) throw new Error(`certificates: seal of ente ${enteId} not stored`);
  const found: EnteSeal = {
    p12: Buffer.from(unseal(row.p12_sealed, deps.sealKey), 'base64'),
    passphrase: unseal(row.passphrase_sealed, deps.sealKey),
    test: row.kind === 'test',
  };
  cache.set(enteId, found);
  return found;
}

/** Tests: forget cached seals and the test CA (a new database starts empty). */
export function forgetSeals(): void {
  cache.clear();
  testCa = undefined;
}
