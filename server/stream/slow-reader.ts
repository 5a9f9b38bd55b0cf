/**
 * A reader slower than its stream is dropped, never buffered without bound. Once the bytes written
 * to a connection but not yet taken by the peer pass MAX_PENDING_BYTES, the writer stops writing
 * and waits for the peer to catch up (which is also how a long replay is paced); a peer that has
 * not caught up within SLOW_READER_MS is dropped with a cursor to resume from — SSE: the response
 * ends after whole frames, each with its `id:`, which a client sends back as Last-Event-ID;
 * WebSocket: SLOW_READER_CLOSE_CODE with a reason naming the next `from_seq`.
 * The limit is far above what a live reader has in flight, and low enough that a thousand stalled
 * readers hold at most a few hundred MB until they are dropped.
 */
export const MAX_PENDING_BYTES = 256 * 1024;
export const SLOW_READER_MS = 10_000;

/** The WebSocket close code for a dropped slow reader (a private-use code, 4000–4999). */
export const SLOW_READER_CLOSE_CODE = 4008;

/** The close reason: `slow reader; resume with from_seq=<next seq>`, parseable by a client. */
export const slowReaderReason = (nextSeq: number) => `slow reader; resume with from_seq=${nextSeq}`;

export interface SlowReaderOptions {
  /** Pending bytes past which the writer waits for the peer. */
  maxPendingBytes?: number;
  /** How long the peer may take to catch up before it is dropped. */
  slowReaderMs?: number;
}

/**
 * Resolves true when `watch` reports the peer has caught up, false when `ms` pass first or the
 * connection goes away (signal).
 */
export function caughtUpWithin(ms: number, signal: AbortSignal, watch: (caughtUp: () => void) => void): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', gone);
      resolve(ok);
    };
    const gone = () => finish(false);
    const timer = setTimeout(() => finish(false), ms);
    signal.addEventListener('abort', gone);
    watch(() => finish(true));
  });
}
