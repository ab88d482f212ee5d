import type { Db } from '../../platform/db/database.ts';
import { TenancyErrors } from './tenancy.errors.ts';
import * as repo from './tenancy.repo.ts';
import type { Ente } from './tenancy.schema.ts';

/** An ente named on the command line by slug or id. */
export async function findEnteRef(db: Db, ref: string): Promise<Ente> {
  const ente = /^[0-9a-f-]{36}$/.test(ref) ? await repo.findById(db, ref) : await repo.findBySlug(db, ref);
  if (!ente) throw TenancyErrors.enteNotFound();
  return ente;
}
