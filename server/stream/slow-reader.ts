/**
 * A reader slower than its stream is dropped, never buffered without bound: once the bytes written
 * to a connection but not yet taken by the peer pass this limit, the writer stops and closes the
 * connection with a cursor to resume from (SSE: the `id:` of the last whole frame, which a client
 * sends back as Last-Event-ID; WebSocket: a close code and a reason naming the next `from_seq`).
 * The limit is far above what a live reader ever has in flight (a burst of a few hundred frames),
 * and low enough that a thousand stalled readers cost at most a few hundred MB before they go.
 */
export const MAX_PENDING_BYTES = 256 * 1024;

/** The WebSocket close code for a dropped slow reader (a private-use code, 4000–4999). */
export const SLOW_READER_CLOSE_CODE = 4008;

/** The close reason: `slow reader; resume with from_seq=<next seq>`, parseable by a client. */
export const slowReaderReason = (nextSeq: number) => `slow reader; resume with from_seq=${nextSeq}`;
