// A certificates database for the certificates benchmark: migrated, the Venice demo aggregation seeded
// with the demo citizens in their comuni's registries (Giulia Zanetti and her family in Jesolo), the
// platform's seal secret (the server started on the same database uses it too), and the sample
// document of a residence certificate as the service would render it.

import { sql } from 'kysely';
import { type CertificateDocument, comuneName } from '../../src/modules/certificates/certificate-pdf.ts';
import { type EnteSeal, enteSeal } from '../../src/modules/certificates/certificate-seal.ts';
import type { SubjectData } from '../../src/modules/certificates/certificate-types.ts';
import { type CertificatesDeps, verificationUrl } from '../../src/modules/certificates/index.ts';
import { localRegistry, seedPopulationDemo } from '../../src/modules/registry/index.ts';
import { getEnte, seedAggregation } from '../../src/modules/tenancy/index.ts';
import { type Database, openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { platformSecret } from '../../src/platform/secrets.repo.ts';

/** The demo family of Jesolo: Giulia (who logs in as demo-01), her husband Marco and their daughter Sofia. */
export const FAMILY = ['ZNTGLI84C52L736W', 'ZNTMRC81S02C388P', 'ZNTSFO12H65L736X'] as const;
export const PUBLIC_URL = 'http://127.0.0.1';

export interface CertificatesFixture {
  database: Database;
  databaseUrl: string;
  /** The database's name on the server (its backends' CPU is measured). */
  databaseName: string;
  enteId: string;
  deps: CertificatesDeps;
  seal: EnteSeal;
  /** A residence certificate of the i-th family member (numbered i), as `requestCertificate` renders it. */
  document(i: number): CertificateDocument;
}

export async function prepareCertificates(
  databaseUrl: string,
  connections = 20,
): Promise<CertificatesFixture> {
  const database = await openDatabase({ databaseUrl, dataDir: null, poolSize: connections });
  await migrate(database);
  const { sad } = await seedAggregation(database.db, 'venezia');
  await seedPopulationDemo(database.db, sad.id);
  const { rows } = await sql<{ id: string }>`select id from enti where slug = 'jesolo'`.execute(database.db);
  const enteId = rows[0]!.id;
  const deps: CertificatesDeps = {
    db: database.db,
    sealKey: await platformSecret(database.db, 'seal'),
    sandbox: true,
    registry: localRegistry(database.db),
    publicUrl: PUBLIC_URL,
  };
  const seal = await enteSeal(deps, enteId);
  const { ente } = await getEnte(database.db, enteId);
  const subjects: SubjectData[] = [];
  for (const fiscalCode of FAMILY) {
    const person = await deps.registry.findPerson(enteId, fiscalCode);
    if (!person) throw new Error(`the demo citizen ${fiscalCode} is not in the registry of Jesolo`);
    subjects.push({
      person,
      family: await deps.registry.findFamily(enteId, fiscalCode),
      unions: await deps.registry.findUnions(enteId, fiscalCode),
      cohabitations: await deps.registry.findCohabitations(enteId, fiscalCode),
    });
  }
  const document = (i: number): CertificateDocument => {
    const number = `CERT-2026-${String(i + 1).padStart(6, '0')}`;
    const code = (2 ** 44 + i).toString(16).slice(-12);
    return {
      type: 'residenza',
      number,
      issuedAt: new Date(),
      subject: subjects[i % subjects.length]!,
      ente: { name: ente.name },
      stampDutyLine:
        "Esente da imposta di bollo ai sensi dell'art. 9 della Tabella B del D.P.R. 26 ottobre 1972, n. 642, " +
        'per pensione e assicurazioni sociali obbligatorie (anche pensione estera).',
      verificationUrl: verificationUrl(PUBLIC_URL, number, code),
      verificationCode: code,
      test: seal.test,
    };
  };
  if (comuneName(ente.name) !== 'Jesolo') throw new Error(`unexpected ente ${ente.name}`);
  const databaseName = new URL(databaseUrl).pathname.slice(1);
  return { database, databaseUrl, databaseName, enteId, deps, seal, document };
}
