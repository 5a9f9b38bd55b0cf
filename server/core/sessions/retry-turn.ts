import { and, asc, eq } from 'drizzle-orm';
import { message, turn } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { assertUnderActiveWorkCap } from '@/server/core/access/active-work-cap';
import { assertNoEmergencyStop } from '@/server/core/emergency/emergency-state';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError, notFound } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { isRetryableTurn } from '@/server/core/work/status';
import { requireSession } from './find-session';
import { insertMessage, insertTurn } from './post-message';

/** Retries a failed (or canceled) turn as a new turn with the same user input. */
export async function retryTurn(deps: WorkDeps, principal: Principal, input: { sessionId: string; turnId: string }): Promise<{ turnId: string }> {
  const { sessionId, turnId } = input;
  await requireSession(deps.db, principal, sessionId);
  const [t] = await deps.db.select({ status: turn.status }).from(turn).where(and(eq(turn.sessionId, sessionId), eq(turn.id, turnId))).limit(1);
  if (!t) throw notFound('turn', 'TURN_NOT_FOUND');
  if (!isRetryableTurn(t.status)) throw new AppError('CONFLICT', `turn is ${t.status}; only a failed or canceled turn can be retried`, { code: 'TURN_NOT_RETRYABLE' });
  await assertNoEmergencyStop(deps.db);
  await assertUnderActiveWorkCap(deps, principal);
  const [userInput] = await deps.db
    .select({ parts: message.parts })
    .from(message)
    .where(and(eq(message.sessionId, sessionId), eq(message.turnId, turnId), eq(message.role, 'user')))
    .orderBy(asc(message.sequence))
    .limit(1);
  if (!userInput) throw new AppError('CONFLICT', 'the turn has no user input to retry', { code: 'TURN_NOT_RETRYABLE' });
  const newTurnId = await inTransaction(deps, async (tx, emit) => {
    const id = await insertTurn(tx, emit, sessionId, turnId);
    await insertMessage(tx, emit, sessionId, id, 'user', userInput.parts);
    return id;
  });
  await deps.engine.enqueue({ kind: 'turn', id: newTurnId });
  return { turnId: newTurnId };
}
