/**
 * Periodic work shared by many connections (SSE heartbeats, WebSocket pings): one interval timer
 * per period for all of them instead of one per connection, so an idle connection costs a set
 * entry rather than a timer. A connection's first tick comes within one period of joining.
 */
interface Ticker {
  timer: NodeJS.Timeout;
  callbacks: Set<() => void>;
}

const tickers = new Map<number, Ticker>();

/** Calls `callback` every `ms` until the returned function is called. */
export function everyInterval(ms: number, callback: () => void): () => void {
  let ticker = tickers.get(ms);
  if (!ticker) {
    const callbacks = new Set<() => void>();
    const timer = setInterval(() => {
      for (const cb of callbacks) {
        try {
          cb();
        } catch {
          /* one broken connection must not stop the others' ticks */
        }
      }
    }, ms);
    // The connections keep the process alive, not their heartbeat.
    timer.unref();
    tickers.set(ms, (ticker = { timer, callbacks }));
  }
  const joined = ticker;
  joined.callbacks.add(callback);
  return () => {
    joined.callbacks.delete(callback);
    if (joined.callbacks.size === 0 && tickers.get(ms) === joined) {
      clearInterval(joined.timer);
      tickers.delete(ms);
    }
  };
}
