import type { StoredEvent } from './streams';
import { appendEvent, type NewEvent, type Tx } from './append-event';
import type { Db } from '@/db/client';
import type { EventBus } from '@/server/stream/bus';

export type Emit = (streamId: string, event: NewEvent) => Promise<void>;

/**
 * Runs `work` in one transaction with an `emit` that appends events inside it; the events are
 * published to live readers only after the commit, so nobody sees an event whose state change
 * was rolled back.
 */
export async function inTransaction<T>(deps: { db: Db; bus: EventBus }, work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
  const written: StoredEvent[] = [];
  const result = await deps.db.transaction(async (tx) => {
    const emit: Emit = async (streamId, next) => {
      written.push(...(await appendEvent(tx as unknown as Tx, streamId, next)));
    };
    return work(tx as unknown as Tx, emit);
  });
  deps.bus.publish(written);
  return result;
}
