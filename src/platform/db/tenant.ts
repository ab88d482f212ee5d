// Tenant-scoped transactions: the application role under row-level security, with the ente set for
// this transaction only. Repositories still filter by ente_id; this is the second wall.
import { type Kysely, sql, type Transaction } from 'kysely';

export const APP_ROLE = 'convergenza_app';

export async function withTenant<DB, T>(
  db: Kysely<DB>,
  enteId: string,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await enterTenant(trx, enteId);
    return work(trx);
  });
}

/** Switches the current transaction to the application role scoped to one ente. */
export async function enterTenant<DB>(trx: Transaction<DB>, enteId: string): Promise<void> {
  await sql`select set_config('app.ente_id', ${enteId}, true), set_config('role', ${APP_ROLE}, true)`.execute(
    trx,
  );
}
