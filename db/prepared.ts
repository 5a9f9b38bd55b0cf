/**
 * Prepared statements for the hottest reads. Building a drizzle query (walking the schema, the
 * relations, rendering SQL) costs more CPU than the database spends answering a lookup by key; a
 * prepared query is built once per database handle and then only executed with its parameters.
 * postgres.js also keeps the server-side statement per connection (its default `prepare: true`).
 */
import type { Db } from './client';

const prepared = new WeakMap<Db, Map<string, unknown>>();

/** The statement `name` prepared on `db`, built by `build` the first time it is asked for. */
export function preparedOn<T>(db: Db, name: string, build: (db: Db) => T): T {
  let statements = prepared.get(db);
  if (!statements) prepared.set(db, (statements = new Map()));
  let statement = statements.get(name) as T | undefined;
  if (!statement) statements.set(name, (statement = build(db)));
  return statement;
}
