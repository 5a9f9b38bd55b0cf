/**
 * Reads a stream from a cursor and then follows it live: subscribe first, replay from the log,
 * then hand over to live events, de-duplicating by seq. An event committed between the replay
 * query and the subscription cannot be lost, because the subscription already existed.
 *
 * Fan-out: the live path hands each reader the very StoredEvent object the bus published, and
 * concurrent replays of the same window share one log read (and so the same objects), which is
 * what lets the writers serialise an event once and send the same bytes to every subscriber.
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

const PAGE = 500;

/**
 * Log reads by window (stream, first seq, page size), shared by concurrent readers. A reader may
 * only share a read whose query goes out after it subscribed (else an event committed in between
 * could be in neither the read nor its subscription), so readers join the *next* query of their
 * window, never one already sent: the first asks at the end of the current event-loop turn, and
 * while a window's query is out, everyone asking for that window waits for one more that goes out
 * when it returns. A reconnect storm (thousands of clients resuming from the same seq) thus costs
 * one query per window per round trip, and every reader gets the same event objects, so each is
 * serialised once (frame-cache.ts).
 */
interface WindowReads {
  /** The query out now. */
  sent?: Promise<StoredEvent[]>;
  /** The read the next askers join; its query goes out when `sent` returns. */
  next?: Promise<StoredEvent[]>;
}

const windows = new WeakMap<Db, Map<string, WindowReads>>();
const settled = () => undefined;

function readWindow(db: Db, streamId: string, fromSeq: number, limit: number): Promise<StoredEvent[]> {
  let byKey = windows.get(db);
  if (!byKey) windows.set(db, (byKey = new Map()));
  const key = `${fromSeq}:${limit}:${streamId}`;
  let window = byKey.get(key);
  if (!window) byKey.set(key, (window = {}));
  if (window.next) return window.next;
  const w = window;
  const turn = w.sent ? w.sent.then(settled, settled) : new Promise<void>((resolve) => setImmediate(resolve));
  const read = turn.then(() => {
    w.next = undefined;
    const query = readEvents(db, streamId, fromSeq, limit);
    w.sent = query;
    const done = () => {
      if (w.sent !== query) return;
      w.sent = undefined;
      if (!w.next) byKey.delete(key);
    };
    query.then(done, done);
    return query;
  });
  w.next = read;
  return read;
}

/**
 * The reader, a batch at a time: each batch is every event ready to go, in seq order, so a writer
 * pays the generator's hand-off once per burst rather than once per event. Batches are never
 * empty; the one holding the `until` event ends with it.
 */
export async function* followStreamBatches(db: Db, bus: EventBus, streamId: string, opts: FollowOptions): AsyncGenerator<StoredEvent[]> {
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
  /** The prefix of `events` that follows on from `next` up to and including a terminal event; advances `next`. */
  const take = (events: StoredEvent[]): { batch: StoredEvent[]; done: boolean } => {
    let n = 0;
    let done = false;
    for (const e of events) {
      if (e.seq !== next) break;
      n++;
      next = e.seq + 1;
      if (opts.until?.(e)) {
        done = true;
        break;
      }
    }
    return { batch: n === events.length ? events : events.slice(0, n), done };
  };
  try {
    // Replay, page by page.
    for (;;) {
      const page = await readWindow(db, streamId, next, PAGE);
      const { batch, done } = take(page);
      if (batch.length) yield batch;
      if (done) return;
      if (page.length < PAGE || opts.signal.aborted) break;
    }
    // Live. A gap (an event delivered out of order, or missed across processes) is filled from the log.
    while (!opts.signal.aborted) {
      while (head < buffered.length && buffered[head]!.seq < next) head++;
      if (head >= buffered.length) {
        buffered = [];
        head = 0;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const first = buffered[head]!;
      if (first.seq > next) {
        const missing = await readWindow(db, streamId, next, first.seq - next);
        if (missing.length === 0) {
          // Not visible yet; wait for the next wake-up rather than spin.
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 50);
          });
          wake = undefined;
          continue;
        }
        const { batch, done } = take(missing);
        if (batch.length) yield batch;
        if (done) return;
        continue;
      }
      // Everything queued from head on that is in order goes out as one batch.
      const ready = head === 0 ? buffered : buffered.slice(head);
      const { batch, done } = take(ready);
      if (batch === buffered) {
        // Handed out whole: the listener must not append to an array the writer is iterating.
        buffered = [];
        head = 0;
      } else head += batch.length;
      yield batch;
      if (done) return;
    }
  } finally {
    unsubscribe();
    opts.signal.removeEventListener('abort', onAbort);
  }
}

/** The reader, an event at a time. */
export async function* followStream(db: Db, bus: EventBus, streamId: string, opts: FollowOptions): AsyncGenerator<StoredEvent> {
  for await (const batch of followStreamBatches(db, bus, streamId, opts)) yield* batch;
}
