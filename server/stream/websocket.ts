/**
 * The WebSocket writer: the same cursor rules as SSE (`from_seq` inclusive), one JSON message per
 * event, subscribe-then-replay via followStream. Used by the EchoHelix stream endpoints.
 */
import type { WebSocket } from 'ws';
import type { Db } from '@/db/client';
import type { StoredEvent } from '@/server/core/events/streams';
import type { EventBus } from './bus';
import { followStream } from './reader';

export interface WebSocketStream {
  streamId: string;
  fromSeq: number;
  message: (event: StoredEvent) => unknown | null;
  /** Close the socket after this event (a terminal event). */
  closeAfter?: (event: StoredEvent) => boolean;
}

export async function writeWebSocket(ws: WebSocket, stream: WebSocketStream, deps: { db: Db; bus: EventBus }): Promise<void> {
  const controller = new AbortController();
  ws.on('close', () => controller.abort());
  ws.on('error', () => controller.abort());
  // Keep idle connections alive through proxies, and notice dead peers.
  const ping = setInterval(() => ws.ping(), 15_000);
  try {
    for await (const event of followStream(deps.db, deps.bus, stream.streamId, { fromSeq: stream.fromSeq, signal: controller.signal, until: stream.closeAfter })) {
      const message = stream.message(event);
      if (message === null) continue;
      await new Promise<void>((resolve, reject) => ws.send(JSON.stringify(message), (err) => (err ? reject(err) : resolve())));
    }
    if (!controller.signal.aborted) ws.close(1000, 'stream complete');
  } catch {
    ws.terminate();
  } finally {
    clearInterval(ping);
  }
}
