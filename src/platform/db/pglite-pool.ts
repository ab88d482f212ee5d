// Adapts one embedded PGlite instance to the small part of the `pg.Pool` interface that Kysely's
// PostgresDialect uses. PGlite is a single session, so the "pool" hands out that one session to one
// borrower at a time: a transaction never interleaves with another request's statements.
import type { PGlite } from '@electric-sql/pglite';

interface QueryResultLike {
  command: string;
  rowCount: number;
  rows: unknown[];
}

const COMMAND = /^\s*(?:with\b[\s\S]*?\)\s*)?(insert|update|delete|merge|select)\b/i;

export function pglitePool(pglite: PGlite) {
  let tail: Promise<void> = Promise.resolve();

  const client = {
    async query(text: string, params: unknown[] = []): Promise<QueryResultLike> {
      const result = await pglite.query(text, params);
      const command = (COMMAND.exec(text)?.[1] ?? '').toUpperCase();
      return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
    },
    release() {},
  };

  return {
    /** Waits for the session to be free, then lends it until release(). */
    connect(): Promise<typeof client> {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => {
        release = resolve;
      });
      return previous.then(() => ({ ...client, release }));
    },
    async end(): Promise<void> {
      await tail;
      await pglite.close();
    },
  };
}
