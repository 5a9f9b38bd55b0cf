/**
 * The WebSocket writer: the same cursor rules as SSE (`from_seq` inclusive), one JSON message per
 * event, subscribe-then-replay via followStream (the one shared reader). Declared WebSocket
 * endpoints return a WebSocketStream; the upgrade handler (server/http/upgrade.ts) writes it here.
 * A message is serialised once per event and shape and the same bytes go to every subscriber
 * (frame-cache.ts). A reader that falls too far behind and stays there is closed with SLOW_READER_CLOSE_CODE and a
 * reason naming the `from_seq` to reconnect with (slow-reader.ts).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Db } from '@/db/client';
import type { StoredEvent } from '@/server/core/events/streams';
import type { EventBus } from './bus';
import { frameFor } from './frame-cache';
import { followStreamBatches } from './reader';
import { caughtUpWithin, MAX_PENDING_BYTES, SLOW_READER_CLOSE_CODE, SLOW_READER_MS, slowReaderReason, type SlowReaderOptions } from './slow-reader';
import { everyInterval } from './ticker';

export interface WebSocketStream {
  streamId: string;
  fromSeq: number;
  /** Shapes an event into the message sent; return null to skip it. */
  message: (event: StoredEvent) => unknown | null;
  /** Close the socket after this event (a terminal event). */
  closeAfter?: (event: StoredEvent) => boolean;
  /**
   * Nothing will ever be appended at or after fromSeq (a finished run read past its end): close at
   * once rather than wait for an event that cannot come.
   */
  ended?: boolean;
  /**
   * Registers the stream so revoking the credential that opened it closes it: called once the
   * stream is open with the function that closes it; returns the function that unregisters it.
   */
  untilRevoked?: (close: () => void) => () => void;
  /**
   * Names the message shape when it depends on nothing but the event, so a message is serialised
   * once per event and shared by every subscriber using that shape (fan-out to many readers).
   */
  shape?: string;
}

export const KEEP_ALIVE_MS = 15_000;

export interface WebSocketWriterOptions extends SlowReaderOptions {
  /** How often to ping; a peer that has not answered the previous ping by then is cut off. */
  keepAliveMs?: number;
  /**
   * The upgraded socket under `ws`: corked around a burst so its messages leave in one write
   * rather than one system call each (which is most of what a replay to thousands of clients costs).
   */
  socket?: Pick<Duplex, 'cork' | 'uncork'>;
}

export async function writeWebSocket(
  ws: WebSocket,
  stream: WebSocketStream,
  deps: { db: Db; bus: EventBus },
  opts: WebSocketWriterOptions = {},
): Promise<void> {
  const controller = new AbortController();
  ws.on('close', () => controller.abort());
  ws.on('error', () => controller.abort());
  // Pings keep idle connections alive through proxies; a peer that stops answering them is gone
  // (a dropped network never sends a close), so its reader must not wait forever.
  let answered = true;
  ws.on('pong', () => (answered = true));
  const stopKeepAlive = everyInterval(opts.keepAliveMs ?? KEEP_ALIVE_MS, () => {
    if (!answered) return ws.terminate();
    answered = false;
    ws.ping();
  });
  const release = stream.untilRevoked?.(() => ws.close(4401, 'credential revoked'));
  const maxPending = opts.maxPendingBytes ?? MAX_PENDING_BYTES;
  const slowReaderMs = opts.slowReaderMs ?? SLOW_READER_MS;
  const shapeKey = stream.shape === undefined ? undefined : `ws:${stream.shape}`;
  const build = (event: StoredEvent) => {
    const message = stream.message(event);
    return message === null ? null : Buffer.from(JSON.stringify(message));
  };
  try {
    if (!stream.ended) {
      const events = followStreamBatches(deps.db, deps.bus, stream.streamId, { fromSeq: stream.fromSeq, signal: controller.signal, until: stream.closeAfter });
      for await (const batch of events) {
        // Not awaited one by one: the socket's own buffer absorbs a burst, and bufferedAmount is
        // what tells a slow reader from a fast one.
        let corked = false;
        try {
          for (const event of batch) {
            const frame = frameFor(event, shapeKey, build);
            if (!frame) continue;
            if (ws.bufferedAmount + frame.length <= maxPending) {
              if (!corked && opts.socket) {
                opts.socket.cork();
                corked = true;
              }
              ws.send(frame, { binary: false });
              continue;
            }
            // Over the limit: this frame's write callback says when the peer has taken everything.
            if (corked) {
              opts.socket!.uncork();
              corked = false;
            }
            const caughtUp = await caughtUpWithin(slowReaderMs, controller.signal, (done) => ws.send(frame, { binary: false }, done));
            if (caughtUp) continue;
            if (controller.signal.aborted) return;
            // Everything up to this event is queued ahead of the close frame, so the peer has it all
            // when it reads the reason and resumes right after it.
            ws.close(SLOW_READER_CLOSE_CODE, slowReaderReason(event.seq + 1));
            return;
          }
        } finally {
          if (corked) opts.socket!.uncork();
        }
      }
    }
    if (!controller.signal.aborted) ws.close(1000, 'stream complete');
  } catch {
    ws.terminate();
  } finally {
    release?.();
    stopKeepAlive();
  }
}
