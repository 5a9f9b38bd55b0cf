import { and, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { agentSession, run, turn } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { AppError } from '@/server/core/shared/errors';
import { RUNNABLE_RUN_STATUSES, RUNNABLE_TURN_STATUSES } from '@/server/core/work/status';
import type { Env } from '@/server/env';
import { actsAsAdmin, ownerOf } from './owner-scope';

/** How long a refused caller is told to wait: engine work of the kind capped here takes seconds. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Refuses new engine work (a run, or a turn) while the owner already has MAX_ACTIVE_WORK_PER_OWNER
 * runs and turns queued or running, so one owner cannot fill every engine slot. Work parked for a
 * human holds no slot and does not count. The admin is not capped. Refusal is a 429 with
 * Retry-After rather than a queue: the caller learns at once and decides whether to wait.
 * Two submissions racing at the cap may both pass; the cap is a fairness bound, not a lock.
 */
export async function assertUnderActiveWorkCap(deps: { db: Db; env: Pick<Env, 'maxActiveWorkPerOwner'> }, principal: Principal): Promise<void> {
  if (actsAsAdmin(principal)) return;
  const owner = ownerOf(principal);
  const limit = deps.env.maxActiveWorkPerOwner;
  const runs = await deps.db.$count(run, and(eq(run.ownerId, owner), inArray(run.status, RUNNABLE_RUN_STATUSES)));
  const [turns] = await deps.db
    .select({ count: count() })
    .from(turn)
    .innerJoin(agentSession, eq(agentSession.id, turn.sessionId))
    .where(and(eq(agentSession.ownerId, owner), inArray(turn.status, RUNNABLE_TURN_STATUSES)));
  const active = runs + (turns?.count ?? 0);
  if (active >= limit) {
    throw new AppError('TOO_MANY_REQUESTS', `${active} runs and turns of yours are already queued or running; the limit is ${limit} (MAX_ACTIVE_WORK_PER_OWNER). Try again when one finishes.`, {
      code: 'ACTIVE_WORK_LIMIT',
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    });
  }
}
