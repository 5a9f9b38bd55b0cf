/**
 * Live fan-out of committed events. In one process it is a plain listener map; with Postgres,
 * events committed by other processes (workers) arrive through LISTEN/NOTIFY and are re-read from
 * the log, so every process's readers see every event.
 */
import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '@/server/core/events/streams';

export type Listener = (event: StoredEvent) => void;

export interface EventBus {
  publish(events: StoredEvent[]): void;
  subscribe(streamId: string, listener: Listener): () => void;
  /** Deliver events that another process committed (from NOTIFY). */
  deliver(event: StoredEvent): void;
  readonly processId: string;
  /** Called for each locally published batch so it can be announced to other processes. */
  onPublish?: (events: StoredEvent[]) => void;
}

export function createEventBus(): EventBus {
  const listeners = new Map<string, Set<Listener>>();
  const deliver = (event: StoredEvent) => {
    const set = listeners.get(event.streamId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch {
        /* one broken subscriber must not starve the others */
      }
    }
  };
  const bus: EventBus = {
    processId: randomUUID(),
    publish(events) {
      for (const e of events) deliver(e);
      if (events.length) bus.onPublish?.(events);
    },
    deliver,
    subscribe(streamId, listener) {
      let set = listeners.get(streamId);
      if (!set) listeners.set(streamId, (set = new Set()));
      set.add(listener);
      return () => {
        set!.delete(listener);
        if (set!.size === 0) listeners.delete(streamId);
      };
    },
  };
  return bus;
}
