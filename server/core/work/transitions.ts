/**
 * Status changes of runs, turns and sessions, each written together with the event that reports
 * it, in one transaction. The executor and the use cases (cancel, approve, retry) share these.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { agentSession, approval, run, turn } from '@/db/schema';
import type { Emit } from '@/server/core/events/unit-of-work';
import type { Tx } from '@/server/core/events/append-event';
import {
  ACTIVE_RUN_STATUSES,
  ACTIVE_TURN_STATUSES,
  isFailed,
  isSucceeded,
  isTurnStopOutcome,
  OPEN_SESSION_STATUSES,
  PENDING_APPROVAL_STATUSES,
  type RunStatus,
  type SessionStatus,
  type TurnStopOutcome,
} from '@/server/core/work/status';

export type Outcome = 'succeeded' | 'failed' | 'canceled' | 'interrupted';

/** The run, or the turn of a session, a transition applies to, and the stream that reports it. */
export interface WorkTarget {
  kind: 'run' | 'turn';
  id: string;
  streamId: string;
  /** Set for a turn: its session's status moves with it. */
  sessionId?: string;
}

export async function markStarted(tx: Tx, emit: Emit, item: WorkTarget & { modelRef: string }): Promise<void> {
  if (item.kind === 'run') {
    await tx.update(run).set({ status: 'running', startedAt: sql`coalesce(${run.startedAt}, now())`, updatedAt: new Date() }).where(eq(run.id, item.id));
    await emit(item.streamId, { type: 'run_started', data: { message: `run started on ${item.modelRef}`, model: item.modelRef } });
  } else {
    await tx.update(turn).set({ status: 'running', startedAt: sql`coalesce(${turn.startedAt}, now())` }).where(eq(turn.id, item.id));
    await tx.update(agentSession).set({ status: 'running', updatedAt: new Date() }).where(eq(agentSession.id, item.sessionId!));
    await emit(item.streamId, { type: 'turn_started', data: { turn_id: item.id, model: item.modelRef } });
  }
}

/** Puts the work (and its session) into `waiting_approval` or back to `running`. */
export async function setWaiting(tx: Tx, item: Omit<WorkTarget, 'streamId'>, waiting: boolean): Promise<void> {
  const status = waiting ? 'waiting_approval' : 'running';
  if (item.kind === 'run') {
    await tx.update(run).set({ status, updatedAt: new Date() }).where(eq(run.id, item.id));
  } else {
    await tx.update(turn).set({ status }).where(eq(turn.id, item.id));
    await tx.update(agentSession).set({ status, updatedAt: new Date() }).where(eq(agentSession.id, item.sessionId!));
  }
}

const RUN_EVENT: Record<Outcome, string> = {
  succeeded: 'run_succeeded',
  failed: 'run_failed',
  canceled: 'run_canceled',
  interrupted: 'run_canceled',
};
const TURN_EVENT: Record<Outcome, string> = {
  succeeded: 'turn_completed',
  failed: 'turn_failed',
  canceled: 'turn_canceled',
  interrupted: 'turn_interrupted',
};

/** Whether an event of the work's stream reports that this run or turn ended. */
export function isEndOf(target: Pick<WorkTarget, 'kind' | 'id'>, event: { type: string; data: unknown }): boolean {
  if (target.kind === 'run') return Object.values(RUN_EVENT).includes(event.type);
  return Object.values(TURN_EVENT).includes(event.type) && (event.data as { turn_id?: string } | null)?.turn_id === target.id;
}

/** A run has no `interrupted`: interrupting one cancels it. */
const RUN_STATUS: Record<Outcome, RunStatus> = { succeeded: 'succeeded', failed: 'failed', canceled: 'canceled', interrupted: 'canceled' };
/** A session is idle again after its turn ends, unless the turn failed. */
const SESSION_STATUS: Record<Outcome, SessionStatus> = { succeeded: 'idle', failed: 'failed', canceled: 'idle', interrupted: 'idle' };

/** Why stopped work ended, as its error and in its terminal event. */
const STOP_REASON: Record<TurnStopOutcome, string> = { canceled: 'canceled by request', interrupted: 'interrupted' };

/**
 * How a turn was asked to stop (cancel or interrupt), as recorded on its row when it was asked.
 * Whoever finishes the turn may hold an older copy of that request; the row is the one truth.
 */
async function recordedStop(tx: Tx, turnId: string, requested: TurnStopOutcome): Promise<TurnStopOutcome> {
  const [row] = await tx.select({ cancelAs: turn.cancelAs }).from(turn).where(eq(turn.id, turnId)).for('update');
  return isTurnStopOutcome(row?.cancelAs) ? row.cancelAs : requested;
}

/**
 * Ends a run or turn: terminal status, the terminal event, and no approval left pending. Finishing
 * something already finished changes nothing and emits nothing (cancel can race completion).
 */
export async function finish(tx: Tx, emit: Emit, item: WorkTarget, requested: Outcome, detail: { error?: string; text?: string } = {}): Promise<boolean> {
  const outcome = item.kind === 'turn' && isTurnStopOutcome(requested) ? await recordedStop(tx, item.id, requested) : requested;
  const now = new Date();
  const error = isSucceeded(outcome) ? null : (detail.error ?? (isTurnStopOutcome(outcome) ? STOP_REASON[outcome] : outcome));
  const ownerCol = item.kind === 'run' ? approval.runId : approval.turnId;
  await tx
    .update(approval)
    .set({ status: 'expired', reason: `work ${outcome}`, decidedAt: now })
    .where(and(eq(ownerCol, item.id), inArray(approval.status, PENDING_APPROVAL_STATUSES)));
  if (item.kind === 'run') {
    const status = RUN_STATUS[outcome];
    const changed = await tx
      .update(run)
      .set({ status, error, completedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(run.id, item.id), inArray(run.status, ACTIVE_RUN_STATUSES)))
      .returning({ id: run.id });
    if (!changed.length) return false;
    await emit(item.streamId, {
      type: RUN_EVENT[outcome],
      data: { message: isSucceeded(outcome) ? 'run succeeded' : error, status, ...(detail.text ? { text: detail.text } : {}) },
    });
  } else {
    const changed = await tx
      .update(turn)
      .set({ status: outcome, error, completedAt: now, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(turn.id, item.id), inArray(turn.status, ACTIVE_TURN_STATUSES)))
      .returning({ id: turn.id });
    if (!changed.length) return false;
    await tx
      .update(agentSession)
      .set({ status: SESSION_STATUS[outcome], error: isFailed(outcome) ? error : null, updatedAt: now })
      .where(and(eq(agentSession.id, item.sessionId!), inArray(agentSession.status, OPEN_SESSION_STATUSES)));
    await emit(item.streamId, { type: TURN_EVENT[outcome], data: { turn_id: item.id, status: outcome, ...(error ? { message: error } : {}) } });
  }
  return true;
}
