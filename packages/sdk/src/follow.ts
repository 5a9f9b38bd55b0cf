/**
 * Following a run, a session or the global stream as an async iterable. The subscription link
 * already resumes by itself after a short drop; these helpers also survive the link giving up
 * (the server restarting, a proxy answering 502): they subscribe again from the last seq they
 * handed out, with a growing pause, and never hand out an event twice.
 */
import { TRPCClientError } from '@trpc/client';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from './app-router';
import type { SwitchboardClient } from './client';

type Inputs = inferRouterInputs<AppRouter>['events'];

/** What a subscription hands to `onData`: `{ id, data }`, the id being the event's seq. */
type Tracked<Subscribe> = Subscribe extends (input: never, opts: infer Opts) => unknown
  ? Opts extends { onData?: (value: infer Value) => void }
    ? Value
    : never
  : never;

/** One event of a run's or a session's stream: `{ seq, type, data, created_at }`. */
export type StreamEvent = Tracked<SwitchboardClient['events']['run']['subscribe']>['data'];

/** One event of the global stream; `stream` (`run:<id>`, `session:<id>`) and `stream_seq` say where it belongs. */
export type GlobalStreamEvent = Tracked<SwitchboardClient['events']['global']['subscribe']>['data'];

export interface FollowOptions {
  /** The first seq to hand out (inclusive); 1, the beginning, by default. */
  fromSeq?: number;
  /** Stops following: the loop over the iterable ends. */
  signal?: AbortSignal;
  /** Pauses between attempts to subscribe again, in ms (doubling from `min` up to `max`). */
  retryDelayMs?: { min: number; max: number };
}

interface Handlers<T> {
  onData(value: { id: string; data: T }): void;
  onError(error: unknown): void;
  onComplete(): void;
}

type Subscribe<T> = (lastEventId: string | undefined, handlers: Handlers<T>) => { unsubscribe(): void };

/** A client error (bad input, unknown id, no credential, missing scope) will not change on retry. */
function isFinal(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

type Next<T> = { kind: 'data'; value: T } | { kind: 'error'; error: unknown } | { kind: 'end' };

async function* follow<T extends { seq: number }>(subscribe: Subscribe<T>, options: FollowOptions): AsyncGenerator<T, void> {
  const { signal } = options;
  const delays = options.retryDelayMs ?? { min: 250, max: 10_000 };
  let lastSeq = Math.max(0, (options.fromSeq ?? 1) - 1);
  let delay = delays.min;
  while (!signal?.aborted) {
    const queue: Array<Next<T>> = [];
    let wake: (() => void) | undefined;
    const push = (next: Next<T>) => {
      queue.push(next);
      wake?.();
    };
    const onAbort = () => push({ kind: 'end' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const subscription = subscribe(lastSeq > 0 ? String(lastSeq) : undefined, {
      onData: (tracked) => push({ kind: 'data', value: tracked.data }),
      onError: (error) => push({ kind: 'error', error }),
      onComplete: () => push({ kind: 'end' }),
    });
    let failure: { error: unknown } | undefined;
    try {
      for (;;) {
        const next = queue.shift();
        if (!next) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (next.kind === 'end') return;
        if (next.kind === 'error') {
          failure = next;
          break;
        }
        if (next.value.seq <= lastSeq) continue;
        lastSeq = next.value.seq;
        delay = delays.min;
        yield next.value;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
    }
    if (isFinal(failure.error)) throw failure.error;
    await pause(delay, signal);
    delay = Math.min(delay * 2, delays.max);
  }
}

/** A run's events from `fromSeq` on; the iterable ends after the run's terminal event. */
export function followRun(client: SwitchboardClient, runId: string, options: FollowOptions = {}): AsyncGenerator<StreamEvent, void> {
  return follow<StreamEvent>(
    (lastEventId, handlers) => client.events.run.subscribe({ id: runId, lastEventId } satisfies Inputs['run'], handlers),
    options,
  );
}

/** A session's events from `fromSeq` on; a session's stream stays open until `signal` aborts. */
export function followSession(client: SwitchboardClient, sessionId: string, options: FollowOptions = {}): AsyncGenerator<StreamEvent, void> {
  return follow<StreamEvent>(
    (lastEventId, handlers) => client.events.session.subscribe({ id: sessionId, lastEventId } satisfies Inputs['session'], handlers),
    options,
  );
}

/** Every event the caller may see (the admin sees all), across runs and sessions, until `signal` aborts. */
export function followAll(client: SwitchboardClient, options: FollowOptions = {}): AsyncGenerator<GlobalStreamEvent, void> {
  return follow<GlobalStreamEvent>((lastEventId, handlers) => client.events.global.subscribe({ lastEventId }, handlers), options);
}
