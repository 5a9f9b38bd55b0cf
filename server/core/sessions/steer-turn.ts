import { and, desc, eq, inArray } from 'drizzle-orm';
import { step, turn } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError, badRequest } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import type { WorkDeps } from '@/server/core/work/deps';
import { ACTIVE_TURN_STATUSES } from '@/server/core/work/status';
import { lockOwner, nextStepIndex } from '@/server/core/work/step-index';
import { requireSession } from './find-session';
import { insertMessage } from './post-message';

export interface SteerTurnInput {
  sessionId: string;
  text: string;
  /** Refuse (409) unless this is the active turn. */
  expectedTurnId?: string;
}

/**
 * Adds input to the active turn instead of starting a new one: the text becomes a user message of
 * that turn and an `input` step, so the turn's next model call sees it (and a turn that was about
 * to finish makes one more call to answer it). No active turn → 400.
 */
export async function steerTurn(deps: WorkDeps, principal: Principal, input: SteerTurnInput): Promise<{ turnId: string }> {
  const { sessionId, text, expectedTurnId } = input;
  if (!text.trim()) throw badRequest('is required', 'prompt');
  await requireSession(deps.db, principal, sessionId);
  const [active] = await deps.db
    .select({ id: turn.id })
    .from(turn)
    .where(and(eq(turn.sessionId, sessionId), inArray(turn.status, ACTIVE_TURN_STATUSES)))
    .orderBy(desc(turn.index))
    .limit(1);
  if (!active) throw new AppError('BAD_REQUEST', 'no turn is in progress to steer', { code: 'NO_ACTIVE_TURN' });
  if (expectedTurnId && expectedTurnId !== active.id) throw new AppError('CONFLICT', `the active turn is ${active.id}, not ${expectedTurnId}`, { code: 'TURN_MISMATCH' });
  await inTransaction(deps, async (tx, emit) => {
    await lockOwner(tx, { kind: 'turn', id: active.id });
    await tx.insert(step).values({
      id: newId('step'),
      ownerId: active.id,
      index: nextStepIndex(active.id),
      kind: 'input',
      title: 'Steered input',
      status: 'succeeded',
      output: { text },
      completedAt: new Date(),
    });
    await insertMessage(tx, emit, sessionId, active.id, 'user', [{ type: 'text', text }]);
    await emit(sessionStream(sessionId), { type: 'turn_steered', data: { turn_id: active.id } });
  });
  await deps.engine.enqueue({ kind: 'turn', id: active.id });
  return { turnId: active.id };
}
