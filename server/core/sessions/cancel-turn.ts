import { and, desc, eq, inArray } from 'drizzle-orm';
import { turn } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actorOf } from '@/server/core/access/owner-scope';
import { sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { ACTIVE_TURN_STATUSES, isParkedTurn, isTerminalTurn, type TurnStopOutcome } from '@/server/core/work/status';
import { stopWork } from '@/server/core/work/stop-work';
import { requireSession } from './find-session';

export interface CancelTurnInput {
  sessionId: string;
  /** The turn to stop; the session's active turn when absent. */
  turnId?: string;
  as?: TurnStopOutcome;
}

/**
 * Cancels (or interrupts) the session's active turn, or the named one: at once when nobody is
 * executing it, by aborting it in whichever process runs it otherwise. No active turn → 409.
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
  await stopWork(deps, { kind: 'turn', id: t.id, streamId: sessionStream(sessionId), sessionId }, { parked: isParkedTurn(t.status), as });
  return { turnId: t.id };
}
