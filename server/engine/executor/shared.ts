/** What the executor's parts share: their dependencies, how a cancel unwinds, and the session transcript. */
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { message, type MessagePart } from '@/db/schema';
import type { Tx } from '@/server/core/events/append-event';
import type { Emit } from '@/server/core/events/unit-of-work';
import { newId } from '@/server/core/shared/ids';
import type { Env } from '@/server/env';
import type { EventBus } from '@/server/stream/bus';
import type { SignalHub } from '@/server/stream/signals';
import type { AppServerPool } from '../backends/codex-app-server/pool';
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
  /** Wake-ups between processes: new work, and aborts of work in progress. */
  signals: SignalHub;
  processId: string;
  log: { error(message: string, err?: unknown): void };
  /** The app-server processes of the sessions this process executes (made by the executor when absent). */
  appServers?: AppServerPool;
}

/**
 * Lets the server write what the work has published so far. The embedded database answers within
 * the same turn of the event loop, so a chain of its queries never yields, and an HTTP response's
 * writes (flushed on the next tick) wait until the chain ends; the work yields at each point where
 * readers expect to see something: its start, each step's start, each batch of streamed text.
 */
export function letReadersSeeIt(): Promise<void> {
  return nextLoopTurn();
}

/** Thrown out of a step that stopped because the work was canceled; the loop then finishes the work as canceled. */
export class Canceled extends Error {}

/**
 * Why a step stopped when its process hands the work to another one (a drain, a lost lease): the
 * step is left as it is, as if the process had died, so the next owner redoes an unfinished model
 * call and reports a tool cut off mid-way as interrupted instead of running it twice.
 */
export class HandOver extends Error {
  constructor() {
    super('work handed over to another worker');
  }
}

/** Stops a step that was aborted: a hand-over leaves the step untouched, a cancel records it first (`record`). */
export async function stopAborted(signal: AbortSignal, record: () => Promise<unknown>): Promise<never> {
  if (signal.reason instanceof HandOver) throw signal.reason;
  await record();
  throw new Canceled();
}

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
