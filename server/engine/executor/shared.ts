/** What the executor's parts share: their dependencies, how a cancel unwinds, and the session transcript. */
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { message, type MessagePart } from '@/db/schema';
import type { Tx } from '@/server/core/events/append-event';
import type { Emit } from '@/server/core/events/unit-of-work';
import { newId } from '@/server/core/shared/ids';
import type { Env } from '@/server/env';
import type { EventBus } from '@/server/stream/bus';
import type { BackendRegistry } from '../backends/registry';
import type { StepView } from '../decide';
import type { Sandbox } from '../sandbox/bubblewrap';
import type { WorkItem } from '../work-item';

export interface EngineDeps {
  db: Db;
  bus: EventBus;
  env: Env;
  backends: BackendRegistry;
  /** What every command the agent runs goes through. */
  sandbox: Sandbox;
  processId: string;
  log: { error(message: string, err?: unknown): void };
}

/** Thrown out of a step that stopped because the work was canceled; the loop then finishes the work as canceled. */
export class Canceled extends Error {}

/** A stored step as the state machine sees it, plus the tool it called (for rebuilding the model's context). */
export interface LoadedStep {
  view: StepView;
  toolName: string | null;
}

/** Events of a turn name it, so a session stream's reader can tell its turns apart. */
export function turnField(item: WorkItem): Record<string, string> {
  return item.turnId ? { turn_id: item.turnId } : {};
}

/** Appends a message to the turn's session transcript (runs have none). */
export async function addMessage(tx: Tx, emit: Emit, item: WorkItem, role: string, parts: MessagePart[]): Promise<void> {
  const id = newId('msg');
  const [row] = await tx
    .insert(message)
    .values({
      id,
      sessionId: item.sessionId!,
      turnId: item.turnId,
      role,
      parts,
      sequence: sql`(select coalesce(max(${message.sequence}), 0) + 1 from ${message} where ${message.sessionId} = ${item.sessionId!})`,
    })
    .returning({ sequence: message.sequence });
  await emit(item.streamId, { type: 'message_added', data: { message_id: id, role, sequence: row!.sequence, turn_id: item.turnId! } });
}
