import { and, eq, inArray } from 'drizzle-orm';
import { agentSession } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actorOf } from '@/server/core/access/owner-scope';
import { sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { isClosedSession, OPEN_SESSION_STATUSES, type TurnStopOutcome } from '@/server/core/work/status';
import { cancelTurn } from './cancel-turn';
import { requireSession } from './find-session';

export interface CloseSessionInput {
  id: string;
  /** How a turn still in progress ends: `canceled` unless the face says otherwise. */
  stopTurnAs?: TurnStopOutcome;
}

/**
 * Closes a session for good: its active turn (if any) is stopped first, then the session becomes
 * `closed` and takes no more turns, while it stays readable with its history. Closing a closed
 * session changes nothing (a client retrying its DELETE gets the same answer).
 */
export async function closeSession(deps: WorkDeps, principal: Principal, input: CloseSessionInput): Promise<{ sessionId: string; alreadyClosed: boolean }> {
  const s = await requireSession(deps.db, principal, input.id);
  if (isClosedSession(s.status)) return { sessionId: s.id, alreadyClosed: true };
  await cancelTurn(deps, principal, { sessionId: s.id, as: input.stopTurnAs ?? 'canceled' }).catch((err: unknown) => {
    // Nothing was in progress (or it ended meanwhile): there is nothing to stop.
    if (!(err instanceof AppError && err.code === 'NO_ACTIVE_TURN')) throw err;
  });
  const now = new Date();
  const closed = await inTransaction(deps, async (tx, emit) => {
    const changed = await tx
      .update(agentSession)
      .set({ status: 'closed', closedAt: now, updatedAt: now })
      .where(and(eq(agentSession.id, s.id), inArray(agentSession.status, OPEN_SESSION_STATUSES)))
      .returning({ id: agentSession.id });
    if (changed.length) await emit(sessionStream(s.id), { type: 'session_closed', data: { session_id: s.id, actor: actorOf(principal) } });
    return changed.length > 0;
  });
  return { sessionId: s.id, alreadyClosed: !closed };
}
