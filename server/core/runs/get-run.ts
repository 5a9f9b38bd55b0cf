import type { Db } from '@/db/client';
import { run } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { notFound } from '@/server/core/shared/errors';
import { byIdWhere, findOwnedById } from '@/server/core/shared/owned-by-id';
import type { WorkDeps } from '@/server/core/work/deps';
import { toRunDto, type RunDto } from './run-dto';

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
