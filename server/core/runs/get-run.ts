import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { run, step } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { notFound } from '@/server/core/shared/errors';
import { byIdWhere, findOwnedById } from '@/server/core/shared/owned-by-id';
import { readSnapshot } from '@/server/core/shared/snapshot';
import type { WorkDeps } from '@/server/core/work/deps';
import { toRunDto, type RunDto, type RunPage } from './run-dto';

/** A run by id with its steps in order; `owned` also requires the `owner` parameter to match. */
const runWithSteps = (db: Db, owned: boolean) =>
  db.query.run
    .findFirst({
      where: byIdWhere(run.id, run.ownerId, owned),
      with: { steps: { orderBy: (s, { asc }) => [asc(s.index)] } },
    })
    .prepare(owned ? 'get_owned_run' : 'get_run');

/**
 * A run with its steps. One prepared statement (the steps aggregated into it), so the parts cannot
 * disagree and no transaction is needed. Unknown (or another owner's) → RUN_NOT_FOUND.
 */
export async function getRun(deps: WorkDeps, principal: Principal, input: { id: string }): Promise<RunDto> {
  const found = await findOwnedById(deps.db, principal, 'getRun', runWithSteps, input.id);
  if (!found) throw notFound('run', 'RUN_NOT_FOUND');
  return toRunDto(found, found.steps);
}

export interface ListRunsInput {
  limit?: number;
  offset?: number;
  /** Only runs created through this face (a dialect name, `dashboard`). */
  origin?: string;
}

/** A page of the principal's runs with their steps, most recent first, in three queries whatever the page size. */
export function listRuns(deps: WorkDeps, principal: Principal, input: ListRunsInput = {}): Promise<RunPage> {
  const where = ownedWhere(principal, run.ownerId, input.origin ? eq(run.origin, input.origin) : undefined);
  return readSnapshot(deps.db, async (tx) => {
    const rows = await tx
      .select()
      .from(run)
      .where(where)
      .orderBy(desc(run.createdAt), desc(run.id))
      .limit(input.limit ?? 100)
      .offset(input.offset ?? 0);
    const total = await tx.$count(run, where);
    const steps = rows.length ? await tx.select().from(step).where(inArray(step.ownerId, rows.map((r) => r.id))).orderBy(asc(step.index)) : [];
    return { runs: rows.map((r) => toRunDto(r, steps.filter((s) => s.ownerId === r.id))), total };
  });
}
