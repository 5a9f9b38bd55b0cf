/**
 * Live fan-out of committed events. In one process it is a plain listener map; with Postgres,
 * events committed by other processes (workers) are announced through LISTEN/NOTIFY and re-read from
 * the log, so every process's readers see every event.
 */
import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '@/server/core/events/streams';

export type Listener = (event: StoredEvent) => void;

export interface EventBus {
  publish(events: StoredEvent[]): void;
  subscribe(streamId: string, listener: Listener): () => void;
  /** Whether anyone in this process follows the stream (only then is another process's event worth re-reading). */
  hasSubscribers(streamId: string): boolean;
  /** Deliver events that another process committed (from NOTIFY). */
  deliver(event: StoredEvent): void;
  /**
   * Called after every commit that appended events, here or (announced) in another process: the
   * global stream's tail reads the log on it. Returns the unsubscribe.
   */
  onCommit(listener: () => void): () => void;
  /** Another process committed events (from NOTIFY). */
  committedElsewhere(): void;
  readonly processId: string;
  /** Called for each locally published batch so it can be announced to other processes. */
  onPublish?: (events: StoredEvent[]) => void;
}

/** Calls every listener; one broken listener must not starve the others. */
function callEach<A extends unknown[]>(listeners: Iterable<(...args: A) => void>, ...args: A): void {
  for (const listener of [...listeners]) {
    try {
      listener(...args);
    } catch {
      /* see above */
    }
  }
}

export function createEventBus(): EventBus {
  const listeners = new Map<string, Set<Listener>>();
  const commitListeners = new Set<() => void>();
  const deliver = (event: StoredEvent) => {
    const set = listeners.get(event.streamId);
    if (set) callEach(set, event);
  };
  const bus: EventBus = {
    processId: randomUUID(),
    publish(events) {
      if (!events.length) return;
      for (const e of events) deliver(e);
      bus.onPublish?.(events);
      callEach(commitListeners);
    },
    deliver,
    subscribe(streamId, listener) {
      let set = listeners.get(streamId);
      if (!set) listeners.set(streamId, (set = new Set()));
      set.add(listener);
      return () => {
        set!.delete(listener);
        if (set!.size === 0 && listeners.get(streamId) === set) listeners.delete(streamId);
      };
    },
    hasSubscribers: (streamId) => listeners.has(streamId),
    onCommit(listener) {
      commitListeners.add(listener);
      return () => commitListeners.delete(listener);
    },
    committedElsewhere: () => callEach(commitListeners),
  };
  return bus;
}
