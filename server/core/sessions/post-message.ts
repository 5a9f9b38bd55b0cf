import { and, eq, inArray, sql } from 'drizzle-orm';
import { agentSession, message, turn, type MessagePart } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { assertUnderActiveWorkCap } from '@/server/core/access/active-work-cap';
import { assertNoEmergencyStop } from '@/server/core/emergency/emergency-state';
import type { Tx } from '@/server/core/events/append-event';
import { sessionStream } from '@/server/core/events/streams';
import { inTransaction, type Emit } from '@/server/core/events/unit-of-work';
import { AppError, badRequest } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import { assertWithinQuota } from '@/server/core/usage/quota';
import { resolveInsideWorkspace } from '@/server/core/workspaces/resolve-workspace';
import type { WorkDeps } from '@/server/core/work/deps';
import { ACTIVE_TURN_STATUSES, isClosedSession } from '@/server/core/work/status';
import { findSessionRow } from './find-session';

export interface PostMessageInput {
  sessionId: string;
  role: 'user' | 'system';
  parts: MessagePart[];
  /** Start a turn for a user message; defaults to the session's auto_run. */
  autoRun?: boolean;
}

/** The parts of a new message, checked: text that says something, images inside the workspace. */
export async function validateParts(workspace: string, parts: MessagePart[]): Promise<MessagePart[]> {
  if (!Array.isArray(parts) || parts.length === 0) throw badRequest('must have at least one part', 'parts');
  const out: MessagePart[] = [];
  for (const [i, part] of parts.entries()) {
    if (part.type === 'text') {
      if (typeof part.text !== 'string' || part.text === '') throw badRequest('text is required', `parts.${i}.text`);
      out.push({ type: 'text', text: part.text });
    } else if (part.type === 'image') {
      if (!part.ref) throw badRequest('ref is required', `parts.${i}.ref`);
      await resolveInsideWorkspace(workspace, part.ref, `parts.${i}.ref`, { mustExist: true });
      out.push({ type: 'image', ref: part.ref, mime_type: part.mime_type ?? 'image/png' });
    } else {
      throw badRequest('type must be text or image', `parts.${i}.type`);
    }
  }
  return out;
}

/** Inserts a message at the end of the session (sequence taken in the same statement). */
export async function insertMessage(tx: Tx, emit: Emit, sessionId: string, turnId: string | null, role: string, parts: MessagePart[]): Promise<string> {
  const id = newId('msg');
  const [row] = await tx
    .insert(message)
    .values({ id, sessionId, turnId, role, parts, sequence: sql`(select coalesce(max(${message.sequence}), 0) + 1 from ${message} where ${message.sessionId} = ${sessionId})` })
    .returning({ sequence: message.sequence });
  await emit(sessionStream(sessionId), { type: 'message_added', data: { message_id: id, role, sequence: row!.sequence, ...(turnId ? { turn_id: turnId } : {}) } });
  return id;
}

/** Creates a pending turn (the engine picks it up); refuses when one is still active. */
export async function insertTurn(tx: Tx, emit: Emit, sessionId: string, retryOf?: string): Promise<string> {
  const active = await tx.select({ id: turn.id }).from(turn).where(and(eq(turn.sessionId, sessionId), inArray(turn.status, ACTIVE_TURN_STATUSES))).limit(1);
  if (active.length) throw new AppError('CONFLICT', `turn ${active[0]!.id} is still in progress; cancel it first`, { code: 'TURN_IN_PROGRESS' });
  const id = newId('turn');
  await tx.insert(turn).values({
    id,
    sessionId,
    index: sql`(select coalesce(max(${turn.index}), -1) + 1 from ${turn} where ${turn.sessionId} = ${sessionId})`,
    status: 'pending',
    retryOf: retryOf ?? null,
  });
  await tx.update(agentSession).set({ lastTurnId: id, status: 'running', error: null, updatedAt: new Date() }).where(eq(agentSession.id, sessionId));
  await emit(sessionStream(sessionId), { type: 'turn_queued', data: { turn_id: id, ...(retryOf ? { retry_of: retryOf } : {}) } });
  return id;
}

export async function postMessage(deps: WorkDeps, principal: Principal, input: PostMessageInput): Promise<{ messageId: string; turnId: string | null }> {
  const { sessionId } = input;
  const s = await findSessionRow(deps.db, principal, sessionId);
  if (isClosedSession(s.status)) throw new AppError('CONFLICT', 'session is closed', { code: 'SESSION_CLOSED' });
  if (input.role !== 'user' && input.role !== 'system') throw badRequest('must be user or system', 'role');
  const parts = await validateParts(s.workspacePath, input.parts);
  const startTurn = input.role === 'user' && (input.autoRun ?? s.autoRun);
  if (startTurn) {
    await assertNoEmergencyStop(deps.db);
    await assertWithinQuota(deps, s.modelRef.split(':')[0]!);
    await assertUnderActiveWorkCap(deps, principal);
  }
  const result = await inTransaction(deps, async (tx, emit) => {
    const turnId = startTurn ? await insertTurn(tx, emit, sessionId) : null;
    const messageId = await insertMessage(tx, emit, sessionId, turnId, input.role, parts);
    return { messageId, turnId };
  });
  if (result.turnId) await deps.engine.enqueue({ kind: 'turn', id: result.turnId });
  return result;
}
