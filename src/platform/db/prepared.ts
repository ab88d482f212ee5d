// Named prepared statements on PostgreSQL (docs/adr/0012-prepared-statements.md): each parameterised
// statement text gets a name once per process, so each pooled connection parses and plans it once and
// then only binds and executes it. Bounded: texts past the cap, very long ones, those with many
// parameters and those with an `in ($1, $2, …)` list (a new text for each length) stay unnamed.
import pg from 'pg';

/** Distinct statement texts named per process; each connection prepares at most this many. */
export const MAX_NAMED_STATEMENTS = 500;
/** Longer texts (bulk statements built for one call) are not worth keeping prepared. */
export const MAX_NAMED_TEXT = 8_000;
/** More parameters mean a list whose length varies from call to call: not worth a name. */
export const MAX_NAMED_PARAMETERS = 64;
/**
 * A list whose length varies from call to call, so each length is a new text: a list of parameters as
 * Kysely writes `where x in ($1, $2)`, or the rows of a multi-row `values ($1, $2), ($3, $4)`. A single
 * row's `values ($1, $2, $3)` is one text and is named.
 */
const PARAMETER_LIST = /\bin \(\$\d+, \$\d+|\), \(\$\d+/;

/** Names statement texts on first use, up to `max` of them. */
export class StatementNames {
  readonly #names = new Map<string, string>();
  constructor(readonly max = MAX_NAMED_STATEMENTS) {}

  /** The text's name, or undefined when it is not to be prepared (too long, a list, the cap reached). */
  of(text: string, parameters: number): string | undefined {
    const known = this.#names.get(text);
    if (known) return known;
    if (
      text.length > MAX_NAMED_TEXT ||
      parameters > MAX_NAMED_PARAMETERS ||
      PARAMETER_LIST.test(text) ||
      this.#names.size >= this.max
    )
      return undefined;
    const name = `cz_${this.#names.size}`;
    this.#names.set(text, name);
    return name;
  }
}

const names = new StatementNames();

type Query = (...args: unknown[]) => unknown;

/**
 * The pool's client: `query(text, values)` with at least one value (how Kysely sends every statement
 * with parameters) becomes a named query; anything else (transaction control, scripts) is unchanged.
 */
export class PreparingClient extends pg.Client {}

// The parent's query looked up on each call (as `super.query` would), so wrappers set later still apply.
const parentQuery = () => pg.Client.prototype.query as Query;
(PreparingClient.prototype as unknown as { query: Query }).query = function (
  this: pg.Client,
  ...args: unknown[]
) {
  const [text, values, ...rest] = args;
  if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
    const name = names.of(text, values.length);
    if (name) return parentQuery().call(this, { name, text, values }, ...rest);
  }
  return parentQuery().apply(this, args);
};
