import { eq } from 'drizzle-orm';
import { agentSession, type MessagePart } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { assertUnderActiveWorkCap } from '@/server/core/access/active-work-cap';
import { assertNoEmergencyStop } from '@/server/core/emergency/emergency-state';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { chooseModel } from '@/server/core/models/choose-model';
import { AppError } from '@/server/core/shared/errors';
import { assertWithinQuota } from '@/server/core/usage/quota';
import { policyFromCodex, type CodexPolicyInput } from '@/server/core/work/codex-policy';
import type { WorkDeps } from '@/server/core/work/deps';
import { choosePolicy } from '@/server/core/work/permission-profile';
import { isClosedSession } from '@/server/core/work/status';
import { findSessionRow } from './find-session';
import { insertMessage, insertTurn, validateParts } from './post-message';

export interface StartTurnInput extends CodexPolicyInput {
  sessionId: string;
  parts: MessagePart[];
  /** A model ref (`provider:model`) for this turn and the ones after it. */
  model?: string;
  fields?: { model?: string; approvalPolicy?: string; sandbox?: string };
}

/**
 * Starts a turn with the given input, as Codex's `turn/start` does: a model, approval policy or
 * sandbox given with it becomes the session's setting for this turn and the turns after it. The
 * settings, the user message and the turn are written together, so a refused turn (one still in
 * progress: 409; a closed session: 409) changes nothing.
 */
export async function startTurn(deps: WorkDeps, principal: Principal, input: StartTurnInput): Promise<{ turnId: string; messageId: string }> {
  const f = { model: 'model', approvalPolicy: 'approval_policy', sandbox: 'sandbox', ...input.fields };
  const s = await findSessionRow(deps.db, principal, input.sessionId);
  if (isClosedSession(s.status)) throw new AppError('CONFLICT', 'session is closed', { code: 'SESSION_CLOSED' });
  const parts = await validateParts(s.workspacePath, input.parts);
  const codexPolicy = policyFromCodex(input, s.policy, f);
  const policy = codexPolicy ? choosePolicy(principal, { policy: codexPolicy }) : undefined;
  const modelRef = input.model ? await chooseModel(deps, input.model, f.model) : s.modelRef;
  await assertNoEmergencyStop(deps.db);
  await assertWithinQuota(deps, modelRef.split(':')[0]!);
  await assertUnderActiveWorkCap(deps, principal);
  const result = await inTransaction(deps, async (tx, emit) => {
    if (policy || modelRef !== s.modelRef) {
      await tx.update(agentSession).set({ modelRef, ...(policy ? { policy } : {}) }).where(eq(agentSession.id, s.id));
    }
    const turnId = await insertTurn(tx, emit, s.id);
    const messageId = await insertMessage(tx, emit, s.id, turnId, 'user', parts);
    return { turnId, messageId };
  });
  await deps.engine.enqueue({ kind: 'turn', id: result.turnId });
  return result;
}
