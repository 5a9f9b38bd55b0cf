import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { approval } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actorOf, ownedWhere } from '@/server/core/access/owner-scope';
import { runStream, sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError, notFound } from '@/server/core/shared/errors';
import { requireRun } from '@/server/core/runs/find-run';
import { requireSession } from '@/server/core/sessions/find-session';
import type { WorkDeps } from '@/server/core/work/deps';
import { isPendingApproval, PENDING_APPROVAL_STATUSES } from '@/server/core/work/status';
import { setWaiting } from '@/server/core/work/transitions';
import type { ApprovalDecisionDto } from './approval-dto';

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

export type DecideApprovalInput = ApprovalTarget & ApprovalDecision;

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
 * Approves or denies a tool call that waits for a human, then wakes the work. An unknown run or
 * session (or another owner's) → RUN_NOT_FOUND / SESSION_NOT_FOUND, an unknown approval → APPROVAL_NOT_FOUND; already
 * decided (or nothing pending) → 409.
 */
export async function decideApproval(deps: WorkDeps, principal: Principal, input: DecideApprovalInput): Promise<ApprovalDecisionDto> {
  const target: ApprovalTarget = input;
  if ('runId' in target) await requireRun(deps.db, principal, target.runId);
  else if ('sessionId' in target) await requireSession(deps.db, principal, target.sessionId);
  const rows = await deps.db.select().from(approval).where(ownedWhere(principal, approval.ownerId, where(target))).orderBy(approval.createdAt);
  const pending = rows.filter((r) => isPendingApproval(r.status));
  // "Whatever is pending" takes the newest request; a named one prefers its pending row over decided twins.
  const a = 'latest' in target ? pending.at(-1) : pending[0] ?? rows[0];
  if (!a) {
    if ('latest' in target) throw new AppError('CONFLICT', 'nothing is waiting for approval', { code: 'NO_PENDING_APPROVAL' });
    throw notFound('approval', 'APPROVAL_NOT_FOUND');
  }
  if (!isPendingApproval(a.status)) throw new AppError('CONFLICT', `approval is already ${a.status}`, { code: 'APPROVAL_NOT_PENDING' });
  const status = input.approve ? 'approved' : 'denied';
  const ref = a.runId ? ({ kind: 'run', id: a.runId } as const) : ({ kind: 'turn', id: a.turnId!, sessionId: a.sessionId! } as const);
  const streamId = a.runId ? runStream(a.runId) : sessionStream(a.sessionId!);
  await inTransaction(deps, async (tx, emit) => {
    const updated = await tx
      .update(approval)
      .set({ status, decidedBy: principal.id, reason: input.reason ?? null, decidedAt: new Date() })
      .where(and(eq(approval.id, a.id), inArray(approval.status, PENDING_APPROVAL_STATUSES)))
      .returning({ id: approval.id });
    if (!updated.length) throw new AppError('CONFLICT', 'approval was decided meanwhile', { code: 'APPROVAL_NOT_PENDING' });
    // The step stays `waiting_approval`: the executor reads the decision and runs or skips it.
    await setWaiting(tx, ref, false);
    await emit(streamId, {
      type: input.approve ? 'approval_granted' : 'approval_denied',
      data: { message: `${a.summary} ${status}`, approval_id: a.id, step_id: a.stepId, tool_call_id: a.toolCallId, decided_by: principal.id, actor: actorOf(principal), ...(input.reason ? { reason: input.reason } : {}), ...(a.turnId ? { turn_id: a.turnId } : {}) },
    });
  });
  await deps.engine.enqueue({ kind: ref.kind, id: ref.id });
  return { approvalId: a.id, status };
}
