import { and, desc, eq, inArray } from 'drizzle-orm';
import { turn } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actorOf } from '@/server/core/access/owner-scope';
import { sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { ACTIVE_TURN_STATUSES, isParkedTurn, isTerminalTurn, type TurnStopOutcome } from '@/server/core/work/status';
import { finish } from '@/server/core/work/transitions';
import { requireSession } from './find-session';

export interface CancelTurnInput {
  sessionId: string;
  /** The turn to stop; the session's active turn when absent. */
  turnId?: string;
  as?: TurnStopOutcome;
}

/**
 * Cancels (or interrupts) the session's active turn, or the named one. Ends within a second: at
 * once when nobody is executing it, by aborting it where it runs otherwise. No active turn → 409.
 */
export async function cancelTurn(deps: WorkDeps, principal: Principal, input: CancelTurnInput): Promise<{ turnId: string }> {
  const { sessionId } = input;
  await requireSession(deps.db, principal, sessionId);
  const where = input.turnId
    ? and(eq(turn.sessionId, sessionId), eq(turn.id, input.turnId))
    : and(eq(turn.sessionId, sessionId), inArray(turn.status, ACTIVE_TURN_STATUSES));
  const [t] = await deps.db.select({ id: turn.id, status: turn.status }).from(turn).where(where).orderBy(desc(turn.index)).limit(1);
  if (!t || isTerminalTurn(t.status)) throw new AppError('CONFLICT', 'no turn is in progress', { code: 'NO_ACTIVE_TURN' });
  const as = input.as ?? 'canceled';
  // Who asked is recorded with the request, whichever process then ends the turn.
  await inTransaction(deps, async (tx, emit) => {
    await tx.update(turn).set({ cancelRequestedAt: new Date(), cancelAs: as }).where(eq(turn.id, t.id));
    await emit(sessionStream(sessionId), { type: 'turn_cancel_requested', data: { turn_id: t.id, as, actor: actorOf(principal) } });
  });
  const item = { kind: 'turn' as const, id: t.id, streamId: sessionStream(sessionId), sessionId };
  if (deps.engine.isRunningHere(t.id)) {
    deps.engine.abortLocal(t.id);
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline) {
      const [now] = await deps.db.select({ status: turn.status }).from(turn).where(eq(turn.id, t.id));
      if (!now || isTerminalTurn(now.status)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
  } else if (isParkedTurn(t.status)) {
    await inTransaction(deps, (tx, emit) => finish(tx, emit, item, as));
  }
  return { turnId: t.id };
}
