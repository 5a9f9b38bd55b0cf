import { and, eq, type SQL } from 'drizzle-orm';
import { approval } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { runStream, sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError, notFound } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { setWaiting } from '@/server/core/work/transitions';

export type ApprovalTarget =
  | { approvalId: string }
  | { runId: string; stepId: string }
  | { sessionId: string; toolCallId: string; turnId?: string }
  /** Whatever is pending on this session (Aegis approves without naming the request). */
  | { sessionId: string; latest: true };

export interface ApprovalDecision {
  approve: boolean;
  reason?: string;
}

function where(target: ApprovalTarget): SQL {
  if ('approvalId' in target) return eq(approval.id, target.approvalId);
  if ('runId' in target) return and(eq(approval.runId, target.runId), eq(approval.stepId, target.stepId))!;
  if ('toolCallId' in target) {
    const base = and(eq(approval.sessionId, target.sessionId), eq(approval.toolCallId, target.toolCallId))!;
    return target.turnId ? and(base, eq(approval.turnId, target.turnId))! : base;
  }
  return eq(approval.sessionId, target.sessionId);
}

/**
 * Approves or denies a tool call that waits for a human, then wakes the work. Unknown → 404;
 * already decided (or nothing pending) → 409.
 */
export async function decideApproval(deps: WorkDeps, principal: Principal, target: ApprovalTarget, decision: ApprovalDecision): Promise<{ approvalId: string; status: 'approved' | 'denied' }> {
  const rows = await deps.db.select().from(approval).where(where(target)).orderBy(approval.createdAt);
  const candidates = 'latest' in target ? rows.filter((r) => r.status === 'pending') : rows;
  const a = 'latest' in target ? candidates.at(-1) : candidates.find((r) => r.status === 'pending') ?? candidates[0];
  if (!a) {
    if ('latest' in target) throw new AppError('CONFLICT', 'nothing is waiting for approval', { code: 'NO_PENDING_APPROVAL' });
    throw notFound('approval', 'APPROVAL_NOT_FOUND');
  }
  if (a.status !== 'pending') throw new AppError('CONFLICT', `approval is already ${a.status}`, { code: 'APPROVAL_NOT_PENDING' });
  const status = decision.approve ? 'approved' : 'denied';
  const ref = a.runId ? ({ kind: 'run', id: a.runId } as const) : ({ kind: 'turn', id: a.turnId!, sessionId: a.sessionId! } as const);
  const streamId = a.runId ? runStream(a.runId) : sessionStream(a.sessionId!);
  await inTransaction(deps, async (tx, emit) => {
    const updated = await tx
      .update(approval)
      .set({ status, decidedBy: principal.id, reason: decision.reason ?? null, decidedAt: new Date() })
      .where(and(eq(approval.id, a.id), eq(approval.status, 'pending')))
      .returning({ id: approval.id });
    if (!updated.length) throw new AppError('CONFLICT', 'approval was decided meanwhile', { code: 'APPROVAL_NOT_PENDING' });
    // The step stays `waiting_approval`: the executor reads the decision and runs or skips it.
    await setWaiting(tx, ref, false);
    await emit(streamId, {
      type: decision.approve ? 'approval_granted' : 'approval_denied',
      data: { message: `${a.summary} ${status}`, approval_id: a.id, step_id: a.stepId, tool_call_id: a.toolCallId, decided_by: principal.id, ...(decision.reason ? { reason: decision.reason } : {}), ...(a.turnId ? { turn_id: a.turnId } : {}) },
    });
  });
  await deps.engine.enqueue({ kind: ref.kind, id: ref.id });
  return { approvalId: a.id, status };
}
