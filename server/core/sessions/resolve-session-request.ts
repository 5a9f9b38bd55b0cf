import { and, eq, isNull } from 'drizzle-orm';
import { approval, sessionRequest } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { decideApproval } from '@/server/core/approvals/decide-approval';
import { AppError, conflict, notFound } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { isPendingApproval } from '@/server/core/work/status';
import { requireSession } from './find-session';
import { answerAccepts, approvalAnswer } from './session-request-kinds';

export interface ResolveSessionRequestInput {
  sessionId: string;
  requestId: string;
  /** The JSON-RPC result to answer with (`{decision: "decline"}` declines an approval). */
  result?: Record<string, unknown>;
  /** A JSON-RPC error to answer with instead (an approval answered with an error is declined). */
  error?: { code: number; message: string; data?: unknown };
  /** EchoHelix's approval answer; wins over `result`. */
  decision?: 'accept' | 'decline';
  /** With `accept`: accept this kind of action for the rest of the session (Codex's `acceptForSession`). */
  forSession?: boolean;
}

export interface ResolveSessionRequestResult {
  sessionId: string;
  requestId: string;
  resolved: true;
}

const alreadyResolved = () => conflict('request is already resolved', 'REQUEST_ALREADY_RESOLVED');

/**
 * Answers a request a session's backend waits on. The answer is stored on the request (the worker
 * holding the backend's process reads it there, wherever it runs) and the turn is signalled; an
 * approval request also decides its core approval, the same way every other face decides one.
 * `requestId` may also name a core approval of the session (what `listSessionRequests` shows for
 * backends without requests of their own). Unknown, or another owner's → REQUEST_NOT_FOUND /
 * SESSION_NOT_FOUND; answered already → 409 REQUEST_ALREADY_RESOLVED.
 */
export async function resolveSessionRequest(deps: WorkDeps, principal: Principal, input: ResolveSessionRequestInput): Promise<ResolveSessionRequestResult> {
  await requireSession(deps.db, principal, input.sessionId);
  const done = { sessionId: input.sessionId, requestId: input.requestId, resolved: true as const };
  const answer: { result: Record<string, unknown> } | { error: NonNullable<ResolveSessionRequestInput['error']> } = input.decision ? { result: approvalAnswer(input.decision === 'accept', input.forSession) } : input.error ? { error: input.error } : { result: input.result ?? {} };
  const accepts = 'result' in answer && answerAccepts(answer.result);

  const [request] = await deps.db
    .select()
    .from(sessionRequest)
    .where(ownedWhere(principal, sessionRequest.ownerId, and(eq(sessionRequest.id, input.requestId), eq(sessionRequest.sessionId, input.sessionId))))
    .limit(1);
  if (request) {
    if (request.resolvedAt) throw alreadyResolved();
    if (request.approvalId) {
      const [a] = await deps.db.select({ status: approval.status }).from(approval).where(eq(approval.id, request.approvalId)).limit(1);
      if (a && !isPendingApproval(a.status)) throw alreadyResolved();
    }
    // Stored before the approval is decided: the worker, woken by that decision, must find the
    // exact answer (acceptForSession, a policy amendment) rather than derive a plain accept.
    const updated = await deps.db
      .update(sessionRequest)
      .set({ resolvedAt: new Date(), result: 'result' in answer ? answer.result : null, error: 'error' in answer ? answer.error : null })
      .where(and(eq(sessionRequest.id, request.id), isNull(sessionRequest.resolvedAt)))
      .returning({ id: sessionRequest.id });
    if (!updated.length) throw alreadyResolved();
    if (request.approvalId) {
      try {
        await decideApproval(deps, principal, { approvalId: request.approvalId, approve: accepts });
        return done;
      } catch (err) {
        // Decided elsewhere in the meantime: the worker answers with what was stored above.
        if (!(err instanceof AppError && err.kind === 'CONFLICT')) throw err;
      }
    }
    if (request.turnId) await deps.engine.enqueue({ kind: 'turn', id: request.turnId });
    return done;
  }

  const [a] = await deps.db
    .select({ id: approval.id, status: approval.status })
    .from(approval)
    .where(ownedWhere(principal, approval.ownerId, and(eq(approval.id, input.requestId), eq(approval.sessionId, input.sessionId))))
    .limit(1);
  if (!a) throw notFound('session request', 'REQUEST_NOT_FOUND');
  if (!isPendingApproval(a.status)) throw alreadyResolved();
  await decideApproval(deps, principal, { approvalId: a.id, approve: accepts, ...('error' in answer ? { reason: answer.error.message } : {}) });
  return done;
}
