import type { StoredEvent } from './streams';
import { appendEvents, type NewEvent, type Tx } from './append-event';
import { MAX_EVENTS_PER_TRANSACTION, TooManyEventsError } from './global-position';
import type { Db } from '@/db/client';
import type { EventBus } from '@/server/stream/bus';

export type Emit = (streamId: string, event: NewEvent) => Promise<void>;
/** Appends a batch to one stream in one statement, in the order given. */
export type EmitMany = (streamId: string, events: readonly NewEvent[]) => Promise<void>;

type Deps = { db: Db; bus: EventBus };

/**
 * Counts the events a transaction appends, so each gets its own ordinal (its global position within
 * the transaction), and refuses more than a transaction's positions allow.
 */
function ordinals() {
  let used = 0;
  return (count: number): number => {
    if (used + count > MAX_EVENTS_PER_TRANSACTION) throw new TooManyEventsError(used + count);
    const first = used + 1;
    used += count;
    return first;
  };
}

/** How often a transaction Postgres chose as a deadlock victim is run again before the error stands. */
const DEADLOCK_ATTEMPTS = 4;

/** Postgres aborts one of two transactions that wait on each other (40P01); drizzle wraps the driver's error. */
function isDeadlock(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e && typeof e === 'object'; e = e.cause as typeof e) {
    if (e.code === '40P01') return true;
  }
  return false;
}

/**
 * Runs `work` in one transaction with an `emit` (and `emitMany`) that appends events inside it; the
 * events are published to live readers only after the commit, so nobody sees an event whose state
 * change was rolled back.
 *
 * Use cases lock rows in the order their logic needs (a session row, then its stream head; the
 * engine sometimes the other way round), so two of them on one session can deadlock. Postgres then
 * rolls one back whole, and running it again is safe: `work` only touches the database.
 */
export async function inTransaction<T>(deps: Deps, work: (tx: Tx, emit: Emit, emitMany: EmitMany) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const written: StoredEvent[] = [];
    try {
      const result = await deps.db.transaction(async (rawTx) => {
        const tx = rawTx as unknown as Tx;
        const reserve = ordinals();
        const emitMany: EmitMany = async (streamId, events) => {
          if (events.length === 0) return;
          written.push(...(await appendEvents(tx, streamId, events, reserve(events.length))));
        };
        return work(tx, (streamId, next) => emitMany(streamId, [next]), emitMany);
      });
      deps.bus.publish(written);
      return result;
    } catch (error) {
      if (attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/**
 * Appends events that change nothing else (a streamed text delta, say) as one statement that commits
 * by itself: one round trip, no BEGIN/COMMIT. Published after the commit, like `inTransaction`'s.
 */
export async function appendAndCommit(deps: Deps, streamId: string, events: NewEvent | readonly NewEvent[]): Promise<StoredEvent[]> {
  const batch = Array.isArray(events) ? (events as readonly NewEvent[]) : [events as NewEvent];
  if (batch.length === 0) return [];
  if (batch.length > MAX_EVENTS_PER_TRANSACTION) throw new TooManyEventsError(batch.length);
  const written = await appendEvents(deps.db, streamId, batch, 1);
  deps.bus.publish(written);
  return written;
}
