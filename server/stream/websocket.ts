/**
 * The WebSocket writer: the same cursor rules as SSE (`from_seq` inclusive), one JSON message per
 * event, subscribe-then-replay via followStream (the one shared reader). Declared WebSocket
 * endpoints return a WebSocketStream; the upgrade handler (server/http/upgrade.ts) writes it here.
 */
import type { WebSocket } from 'ws';
import type { Db } from '@/db/client';
import type { StoredEvent } from '@/server/core/events/streams';
import type { EventBus } from './bus';
import { followStream } from './reader';

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
}

export const KEEP_ALIVE_MS = 15_000;

export interface WebSocketWriterOptions {
  /** How often to ping; a peer that has not answered the previous ping by then is cut off. */
  keepAliveMs?: number;
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
  const keepAlive = setInterval(() => {
    if (!answered) return ws.terminate();
    answered = false;
    ws.ping();
  }, opts.keepAliveMs ?? KEEP_ALIVE_MS);
  const release = stream.untilRevoked?.(() => ws.close(4401, 'credential revoked'));
  try {
    if (!stream.ended) {
      for await (const event of followStream(deps.db, deps.bus, stream.streamId, { fromSeq: stream.fromSeq, signal: controller.signal, until: stream.closeAfter })) {
        const message = stream.message(event);
        if (message === null) continue;
        await new Promise<void>((resolve, reject) => ws.send(JSON.stringify(message), (err) => (err ? reject(err) : resolve())));
      }
    }
    if (!controller.signal.aborted) ws.close(1000, 'stream complete');
  } catch {
    ws.terminate();
  } finally {
    release?.();
    clearInterval(keepAlive);
  }
}
