// Identifiers as the database makes them: a path or form value that is not one never reaches a query
// (where PostgreSQL would answer a uuid syntax error, a 500).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
