// The tenancy module: the registry of enti (the SAD and its comuni), their portals and host names.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import type { HostRouter } from './host-router.ts';
import { tenancyPages } from './tenancy.pages.tsx';
import { tenancyRoutes } from './tenancy.routes.ts';
import * as service from './tenancy.service.ts';

export { findEnteRef } from './cli.ts';
export { HostRouter } from './host-router.ts';
export { isValidNumericFiscalCode } from './tenancy.rules.ts';
export type { Ente } from './tenancy.schema.ts';
export {
  EnteFrame,
  type EnteWithSad,
  enteScope,
  PersonalAreaFrame,
  type SectionTab,
  TabbedFrame,
} from './tenancy.scope.tsx';
export {
  demoSeedPending,
  displayName,
  EnteDirectory,
  enteForPath,
  getEnte,
  listEnti,
  onboardComune,
  seedAggregation,
  toBrand,
  updateEnte,
} from './tenancy.service.ts';

export interface TenancyDeps {
  db: Db;
  directory: service.EnteDirectory;
  hostRouter: HostRouter;
  publicUrl: string;
  /** How often to reload the host map from the database (other processes may change it). */
  hostRefreshMs?: number;
}

export async function tenancyModule(app: FastifyInstance, deps: TenancyDeps): Promise<void> {
  const refresh = async () => deps.hostRouter.replace(await service.allHosts(deps.db));
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), deps.hostRefreshMs ?? 30_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));

  await tenancyRoutes(app, { ...deps, refreshHosts: refresh });
  await tenancyPages(app, deps);
}
