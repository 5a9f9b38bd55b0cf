/**
 * Status changes of runs, turns and sessions, each written together with the event that reports
 * it, in one transaction. The executor and the use cases (cancel, approve, retry) share these.
 */
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { agentSession, approval, run, turn } from '@/db/schema';
import type { Emit } from '@/server/core/events/unit-of-work';
import type { Tx } from '@/server/core/events/append-event';

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

const TERMINAL = ['succeeded', 'failed', 'canceled', 'interrupted'];

/** Why stopped work ended, as its error and in its terminal event. */
const STOP_REASON = { canceled: 'canceled by request', interrupted: 'interrupted' } as const;
const isStop = (outcome: Outcome): outcome is keyof typeof STOP_REASON => outcome in STOP_REASON;

/**
 * How a turn was asked to stop (cancel or interrupt), as recorded on its row when it was asked.
 * Whoever finishes the turn may hold an older copy of that request; the row is the one truth.
 */
async function recordedStop(tx: Tx, turnId: string, requested: keyof typeof STOP_REASON): Promise<keyof typeof STOP_REASON> {
  const [row] = await tx.select({ cancelAs: turn.cancelAs }).from(turn).where(eq(turn.id, turnId)).for('update');
  return row?.cancelAs === 'interrupted' || row?.cancelAs === 'canceled' ? row.cancelAs : requested;
}

/**
 * Ends a run or turn: terminal status, the terminal event, and no approval left pending. Finishing
 * something already finished changes nothing and emits nothing (cancel can race completion).
 */
export async function finish(tx: Tx, emit: Emit, item: WorkTarget, requested: Outcome, detail: { error?: string; text?: string } = {}): Promise<boolean> {
  const outcome = item.kind === 'turn' && isStop(requested) ? await recordedStop(tx, item.id, requested) : requested;
  const now = new Date();
  const error = outcome === 'succeeded' ? null : (detail.error ?? (isStop(outcome) ? STOP_REASON[outcome] : outcome));
  const ownerCol = item.kind === 'run' ? approval.runId : approval.turnId;
  await tx
    .update(approval)
    .set({ status: 'expired', reason: `work ${outcome}`, decidedAt: now })
    .where(and(eq(ownerCol, item.id), eq(approval.status, 'pending')));
  if (item.kind === 'run') {
    const status = outcome === 'interrupted' ? 'canceled' : outcome;
    const changed = await tx
      .update(run)
      .set({ status, error, completedAt: now, updatedAt: now, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(run.id, item.id), notInArray(run.status, TERMINAL)))
      .returning({ id: run.id });
    if (!changed.length) return false;
    await emit(item.streamId, {
      type: RUN_EVENT[outcome],
      data: { message: outcome === 'succeeded' ? 'run succeeded' : error, status, ...(detail.text ? { text: detail.text } : {}) },
    });
  } else {
    const changed = await tx
      .update(turn)
      .set({ status: outcome, error, completedAt: now, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(turn.id, item.id), notInArray(turn.status, TERMINAL)))
      .returning({ id: turn.id });
    if (!changed.length) return false;
    const sessionStatus = outcome === 'failed' ? 'failed' : 'idle';
    await tx
      .update(agentSession)
      .set({ status: sessionStatus, error: outcome === 'failed' ? error : null, updatedAt: now })
      .where(and(eq(agentSession.id, item.sessionId!), inArray(agentSession.status, ['running', 'waiting_approval', 'idle', 'failed'])));
    await emit(item.streamId, { type: TURN_EVENT[outcome], data: { turn_id: item.id, status: outcome, ...(error ? { message: error } : {}) } });
  }
  return true;
}
