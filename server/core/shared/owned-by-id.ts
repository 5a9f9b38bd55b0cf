import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '@/db/client';
import { preparedOn } from '@/db/prepared';
import type { Principal } from '@/server/auth/principal';
import { ownerOf, seesEveryOwner } from '@/server/core/access/owner-scope';

/**
 * One object by id as a prepared statement, kept to the principal's objects: `build(db, owned)`
 * prepares the query on `id` (and, when `owned`, also on `owner`); the admin's variant has no owner
 * condition, as `ownedWhere` would build it.
 */
export function findOwnedById<T>(
  db: Db,
  principal: Principal,
  name: string,
  build: (db: Db, owned: boolean) => { execute(params: Record<string, unknown>): Promise<T> },
  id: string,
): Promise<T> {
  if (seesEveryOwner(principal)) return preparedOn(db, name, (d) => build(d, false)).execute({ id });
  return preparedOn(db, `${name}:owned`, (d) => build(d, true)).execute({ id, owner: ownerOf(principal) });
}

/** The condition of such a query: `id` equals the `id` parameter, and when `owned` the owner equals `owner`. */
export function byIdWhere(idColumn: AnyPgColumn, ownerColumn: AnyPgColumn, owned: boolean): SQL {
  const byId = eq(idColumn, sql.placeholder('id'));
  return owned ? and(byId, eq(ownerColumn, sql.placeholder('owner')))! : byId;
}
