/**
 * Reads a stream from a cursor and then follows it live: subscribe first, replay from the log,
 * then hand over to live events, de-duplicating by seq. An event committed between the replay
 * query and the subscription cannot be lost, because the subscription already existed.
 */
import type { Db } from '@/db/client';
import { readEvents } from '@/server/core/events/read-events';
import type { StoredEvent } from '@/server/core/events/streams';
import type { EventBus } from './bus';

export interface FollowOptions {
  fromSeq: number;
  signal: AbortSignal;
  /** Stop after yielding an event for which this returns true (a terminal event). */
  until?: (event: StoredEvent) => boolean;
}

export async function* followStream(db: Db, bus: EventBus, streamId: string, opts: FollowOptions): AsyncGenerator<StoredEvent> {
  // Live events queue here; they almost always arrive in seq order, so the queue is appended to and
  // read from a head index, and sorted only when an event arrives out of order.
  let buffered: StoredEvent[] = [];
  let head = 0;
  let wake: (() => void) | undefined;
  const unsubscribe = bus.subscribe(streamId, (e) => {
    const last = buffered[buffered.length - 1];
    buffered.push(e);
    if (last && last.seq > e.seq) {
      buffered = buffered.slice(head).sort((a, b) => a.seq - b.seq);
      head = 0;
    }
    wake?.();
  });
  const onAbort = () => wake?.();
  opts.signal.addEventListener('abort', onAbort);
  let next = Math.max(1, opts.fromSeq);
  try {
    // Replay, page by page.
    for (;;) {
      const page = await readEvents(db, streamId, next, 500);
      for (const e of page) {
        yield e;
        next = e.seq + 1;
        if (opts.until?.(e)) return;
      }
      if (page.length < 500 || opts.signal.aborted) break;
    }
    // Live. A gap (an event delivered out of order, or missed across processes) is filled from the log.
    while (!opts.signal.aborted) {
      if (head >= buffered.length) {
        buffered = [];
        head = 0;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const e = buffered[head]!;
      if (e.seq < next) {
        head++;
        continue;
      }
      if (e.seq > next) {
        const missing = await readEvents(db, streamId, next, e.seq - next);
        if (missing.length === 0) {
          // Not visible yet; wait for the next wake-up rather than spin.
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 50);
          });
          wake = undefined;
          continue;
        }
        for (const m of missing) {
          if (m.seq !== next) break;
          yield m;
          next = m.seq + 1;
          if (opts.until?.(m)) return;
        }
        continue;
      }
      head++;
      yield e;
      next = e.seq + 1;
      if (opts.until?.(e)) return;
    }
  } finally {
    unsubscribe();
    opts.signal.removeEventListener('abort', onAbort);
  }
}
