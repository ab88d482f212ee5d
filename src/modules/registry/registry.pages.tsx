// The registry office's back-office pages registered by the registry module: for now the import of the
// population registry (/{slug}/backoffice/anagrafe/importazioni).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { JobWorker } from '../../platform/jobs/jobs.ts';
import type { EnteDirectory } from '../tenancy/index.ts';
import { registryImportPages } from './registry-import.pages.tsx';

export interface RegistryPagesDeps {
  db: Db;
  worker: JobWorker;
  directory: EnteDirectory;
}

export async function registryPages(app: FastifyInstance, deps: RegistryPagesDeps): Promise<void> {
  await registryImportPages(app, deps);
}
