/**
 * Live delivery of the global stream. One tail per process, shared by every global subscriber: each
 * commit (published here, or announced by another process) wakes it, and it reads the log past its
 * cursor below the fence (server/core/events/global-position.ts), handing each page to the
 * subscribers. Wake-ups coalesce — at most one read in flight and one pending — so a burst of commits
 * costs a few reads, not one each. While an older transaction holds newer events back, it retries
 * with a short backoff (that transaction's end announces nothing if it appended nothing).
 *
 * `followGlobal` is the reader a client connection uses: replay from its cursor, then the tail,
 * de-duplicated by global position.
 */
import type { Db } from '@/db/client';
import { currentGlobalFence, readGlobal } from '@/server/core/events/read-global';
import type { StoredEvent } from '@/server/core/events/streams';
import type { EventBus } from './bus';

const PAGE = 500;
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 250;

/** A page the tail read: the events after `after` (its cursor before the page), in order. */
export interface GlobalBatch {
  after: number;
  events: StoredEvent[];
}
type BatchListener = (batch: GlobalBatch) => void;
type Deps = { db: Db; bus: EventBus };

class GlobalTail {
  private readonly listeners = new Set<BatchListener>();
  /** null: not started (or stopped); the next read starts at the fence. */
  private cursor: number | null = null;
  /** Bumped on every stop, so a read that was in flight then does not move the next run's cursor. */
  private generation = 0;
  private reading = false;
  private pending = false;
  private retryDelay = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopWatching: (() => void) | undefined;

  constructor(private readonly deps: Deps) {}

  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) {
      this.stopWatching = this.deps.bus.onCommit(() => this.wake());
      this.wake();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  private stop() {
    this.stopWatching?.();
    this.stopWatching = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.cursor = null;
    this.retryDelay = 0;
    this.generation++;
  }

  private wake() {
    if (this.listeners.size === 0) return;
    if (this.reading) {
      this.pending = true;
      return;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.drain();
  }

  private async drain() {
    this.reading = true;
    let heldBack = false;
    try {
      heldBack = await this.readWhilePending();
    } catch {
      // The database is unreachable for a moment: try again shortly rather than wait for a commit.
      heldBack = true;
    } finally {
      this.reading = false;
    }
    if (this.listeners.size === 0) return;
    // A wake-up that came in while a read of a stopped run of the tail finished: serve it now.
    if (this.pending) this.wake();
    else if (heldBack) this.scheduleRetry();
  }

  /** Reads and hands out pages until nothing is pending; says whether events are held back. */
  private async readWhilePending(): Promise<boolean> {
    const generation = this.generation;
    let heldBack = false;
    do {
      this.pending = false;
      if (this.cursor === null) {
        const fence = await currentGlobalFence(this.deps.db);
        if (generation !== this.generation) return false;
        this.cursor = fence - 1;
      }
      const after = this.cursor;
      const page = await readGlobal(this.deps.db, after, PAGE);
      if (generation !== this.generation) return false;
      if (page.events.length) {
        this.cursor = page.events.at(-1)!.globalPos;
        this.retryDelay = 0;
        const batch: GlobalBatch = { after, events: page.events };
        for (const listener of [...this.listeners]) {
          try {
            listener(batch);
          } catch {
            /* one broken subscriber must not starve the others */
          }
        }
      }
      if (page.events.length === PAGE) this.pending = true;
      heldBack = page.heldBack;
    } while (this.pending && this.listeners.size > 0);
    return heldBack;
  }

  private scheduleRetry() {
    this.retryDelay = Math.min(MAX_RETRY_MS, this.retryDelay ? this.retryDelay * 2 : FIRST_RETRY_MS);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.wake(), this.retryDelay);
    this.retryTimer.unref();
  }
}

const tails = new WeakMap<EventBus, GlobalTail>();

/** The process's global tail (one per bus). */
function globalTail(deps: Deps): GlobalTail {
  let tail = tails.get(deps.bus);
  if (!tail) tails.set(deps.bus, (tail = new GlobalTail(deps)));
  return tail;
}

/**
 * Every event after global position `afterPos`, then live, each exactly once and in order. The tail
 * subscription exists before the replay starts, so nothing committed in between is missed.
 */
export async function* followGlobal(deps: Deps, opts: { afterPos: number; signal: AbortSignal }): AsyncGenerator<StoredEvent> {
  const batches: GlobalBatch[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = globalTail(deps).subscribe((batch) => {
    batches.push(batch);
    wake?.();
  });
  const onAbort = () => wake?.();
  opts.signal.addEventListener('abort', onAbort);
  let cursor = opts.afterPos;
  // Reads the log after the cursor; stops at a short page, or once past `until`.
  async function* fromLog(until: number): AsyncGenerator<StoredEvent> {
    while (cursor < until && !opts.signal.aborted) {
      const page = await readGlobal(deps.db, cursor, PAGE);
      for (const e of page.events) {
        cursor = e.globalPos;
        yield e;
      }
      if (page.events.length < PAGE) return;
    }
  }
  try {
    yield* fromLog(Number.MAX_SAFE_INTEGER);
    while (!opts.signal.aborted) {
      const batch = batches.shift();
      if (!batch) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      // The tail had read past this reader's cursor before this page (it started ahead): the log has the rest.
      if (cursor < batch.after) yield* fromLog(batch.after);
      for (const e of batch.events) {
        if (e.globalPos <= cursor) continue;
        cursor = e.globalPos;
        yield e;
      }
    }
  } finally {
    unsubscribe();
    opts.signal.removeEventListener('abort', onAbort);
  }
}
