// Tenant-scoped transactions: the application role under row-level security, with the ente set for
// this transaction only. Repositories still filter by ente_id; this is the second wall.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  sql,
  type Transaction,
  type TransactionSettings,
} from 'kysely';

export const APP_ROLE = 'convergenza_app';

/** The ente of the transaction withTenant is beginning, until a driver or withTenant enters it. */
interface Pending {
  enteId: string | null;
  entered: boolean;
}
const pending = new AsyncLocalStorage<Pending>();

export async function withTenant<DB, T>(
  db: Kysely<DB>,
  enteId: string,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const tenant: Pending = { enteId, entered: false };
  return pending.run(tenant, () =>
    db.transaction().execute(async (trx) => {
      tenant.enteId = null; // taken: a transaction begun inside `work` is not this one
      if (!tenant.entered) await enterTenant(trx, enteId);
      return work(trx);
    }),
  );
}

/** Switches the current transaction to the application role scoped to one ente. */
export async function enterTenant<DB>(trx: Transaction<DB>, enteId: string): Promise<void> {
  await sql`select set_config('app.ente_id', ${enteId}, true), set_config('role', ${APP_ROLE}, true)`.execute(
    trx,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * PostgreSQL's driver, beginning a withTenant transaction and entering its ente in one round trip (a
 * simple-protocol query of two statements; the ente id is a UUID, checked before it is written in):
 * five fewer round trips per certificate. PGlite keeps Kysely's driver (one statement per query).
 */
export class TenantPostgresDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const tenant = pending.getStore();
    const enteId = tenant?.enteId;
    if (!tenant || !enteId || !UUID.test(enteId) || settings.isolationLevel || settings.accessMode) {
      return super.beginTransaction(connection, settings);
    }
    try {
      await connection.executeQuery(
        CompiledQuery.raw(
          `begin; select set_config('app.ente_id', '${enteId}', true), set_config('role', '${APP_ROLE}', true)`,
        ),
      );
    } catch (error) {
      // The BEGIN may have taken effect before the SELECT failed: Kysely rolls back only after a
      // successful begin, so the connection would go back to the pool inside an aborted transaction.
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw error;
    }
    tenant.entered = true;
  }
}

/** Kysely's PostgreSQL dialect with the driver above. */
export class TenantPostgresDialect extends PostgresDialect {
  readonly #pool: PostgresDialectConfig['pool'];
  constructor(pool: PostgresDialectConfig['pool']) {
    super({ pool });
    this.#pool = pool;
  }

  override createDriver() {
    return new TenantPostgresDriver({ pool: this.#pool });
  }
}
