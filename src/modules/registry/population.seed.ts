// Loads a synthetic population into an ente's registry: batches of whole families, each batch one tenant
// transaction (the second wall applies to the seed too), with progress.
import type { AnyDb, Db } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { listEnti } from '../tenancy/index.ts';
import { generatePopulation, type PopulationStats } from './population.ts';
import { allComuni } from './population-data.ts';
import { loadDemoCitizens } from './population-demo.ts';
import * as repo from './registry.repo.ts';
import type { FamilyBundle } from './registry.schema.ts';

export interface SeedPopulationInput {
  enteId: string;
  istatCode: string;
  size: number;
  seed?: string;
  /** People per insert batch. */
  batchSize?: number;
}

export class PopulationExistsError extends Error {}

export async function seedPopulation(
  db: AnyDb,
  input: SeedPopulationInput,
  onProgress?: (done: number, total: number) => void,
): Promise<PopulationStats & { ms: number }> {
  const started = Date.now();
  const comune = allComuni().find((c) => c.istatCode === input.istatCode);
  if (!comune) throw new Error(`no comune with ISTAT code ${input.istatCode}`);
  const existing = await withTenant(db, input.enteId, (trx) => repo.countPersons(trx, input.enteId));
  if (existing > 0) throw new PopulationExistsError(`the registry already holds ${existing} persons`);
  const stats: PopulationStats = { persons: 0, families: 0, omocodia: 0 };
  const batchSize = input.batchSize ?? 5000;
  let batch: FamilyBundle[] = [];
  let inBatch = 0;
  const flush = async () => {
    const bundles = batch;
    batch = [];
    inBatch = 0;
    await withTenant(db, input.enteId, (trx) => repo.insertBundles(trx, bundles));
    onProgress?.(stats.persons, Math.max(stats.persons, input.size));
  };
  const families = generatePopulation(
    {
      enteId: input.enteId,
      comune,
      size: input.size,
      seed: input.seed ?? 'convergenza',
      demoCitizens: loadDemoCitizens(),
    },
    stats,
  );
  for (const bundle of families) {
    batch.push(bundle);
    inBatch += bundle.persons.length;
    if (inBatch >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await repo.analyzeTables(db);
  return { ...stats, ms: Date.now() - started };
}

/** Demo only: the registry of every comune of the aggregation where demo citizens live; Jesolo gets more. */
export const DEMO_POPULATION: Record<string, number> = { '027019': 300 };

export async function seedPopulationDemo(db: Db, sadId: string): Promise<number> {
  const { items: comuni } = await listEnti(db, { sadId, kind: 'comune', limit: 1000, offset: 0 });
  const homes = new Set(loadDemoCitizens().map((c) => c.residence_istat));
  let persons = 0;
  for (const comune of comuni) {
    if (!comune.istatCode || !homes.has(comune.istatCode)) continue;
    const empty = (await withTenant(db, comune.id, (trx) => repo.countPersons(trx, comune.id))) === 0;
    if (!empty) continue;
    const size = DEMO_POPULATION[comune.istatCode] ?? 0;
    persons += (await seedPopulation(db, { enteId: comune.id, istatCode: comune.istatCode, size })).persons;
  }
  return persons;
}
