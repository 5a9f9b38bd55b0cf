/**
 * A run or a session turn, seen uniformly by the executor: both are an agent loop in a workspace
 * with a model, a policy, a stream to report to and a status to move along.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { agentSession, message, run, turn, type MessagePart, type PermissionPolicy } from '@/db/schema';
import { runStream, sessionStream } from '@/server/core/events/streams';
import { isTurnStopOutcome, type TurnStopOutcome } from '@/server/core/work/status';

export interface WorkRef {
  kind: 'run' | 'turn';
  id: string;
}

export interface WorkItem extends WorkRef {
  streamId: string;
  status: string;
  workspacePath: string;
  modelRef: string;
  policy: PermissionPolicy;
  cancelRequested: boolean;
  cancelAs: TurnStopOutcome;
  principalId: string;
  /** Whose work it is: its approvals and usage belong to the same owner. */
  ownerId: string;
  runId?: string;
  sessionId?: string;
  turnId?: string;
  system?: string;
  /** Run: the prompt (spec text). Turn: the session's history up to and including this turn's input. */
  prompt?: string;
  history?: Array<{ role: string; parts: MessagePart[]; turnId: string | null }>;
}

export async function loadWorkItem(db: Db, ref: WorkRef): Promise<WorkItem | undefined> {
  if (ref.kind === 'run') {
    const [r] = await db.select().from(run).where(eq(run.id, ref.id)).limit(1);
    if (!r) return undefined;
    return {
      ...ref,
      streamId: runStream(r.id),
      status: r.status,
      workspacePath: r.workspacePath,
      modelRef: r.modelRef,
      policy: r.policy,
      cancelRequested: !!r.cancelRequestedAt,
      cancelAs: 'canceled',
      principalId: r.createdBy,
      ownerId: r.ownerId,
      runId: r.id,
      prompt: r.prompt,
    };
  }
  // Two round trips: the turn with its session, then the transcript up to this turn's user input
  // (the first user message the turn owns; all of it when there is none).
  const [row] = await db.select({ t: turn, s: agentSession }).from(turn).innerJoin(agentSession, eq(agentSession.id, turn.sessionId)).where(eq(turn.id, ref.id)).limit(1);
  if (!row) return undefined;
  const { t, s } = row;
  const inputSequence = sql`(select min(${message.sequence}) from ${message} where ${message.sessionId} = ${s.id} and ${message.turnId} = ${t.id} and ${message.role} = 'user')`;
  const history = await db
    .select({ role: message.role, parts: message.parts, turnId: message.turnId })
    .from(message)
    .where(and(eq(message.sessionId, s.id), sql`${message.sequence} <= coalesce(${inputSequence}, ${message.sequence})`))
    .orderBy(asc(message.sequence));
  return {
    ...ref,
    streamId: sessionStream(s.id),
    status: t.status,
    workspacePath: s.workspacePath,
    modelRef: s.modelRef,
    policy: s.policy,
    cancelRequested: !!t.cancelRequestedAt,
    cancelAs: isTurnStopOutcome(t.cancelAs) ? t.cancelAs : 'canceled',
    principalId: s.createdBy,
    ownerId: s.ownerId,
    sessionId: s.id,
    turnId: t.id,
    system: s.systemPrompt ?? undefined,
    // Earlier turns' messages, and this turn's user input; this turn's own output comes from its steps.
    history: history.filter((m) => m.turnId !== t.id || m.role === 'user'),
  };
}
