/**
 * The SSE writer. A REST procedure that streams returns an SseStream descriptor (after its own
 * auth, validation and 404 checks); the transport hands the descriptor and the raw response here.
 * Every frame carries `id: <seq>`; a comment heartbeat keeps proxies from timing the stream out.
 */
import type { ServerResponse } from 'node:http';
import type { Db } from '@/db/client';
import { badRequest } from '@/server/core/shared/errors';
import type { StoredEvent } from '@/server/core/events/streams';
import type { EventBus } from './bus';
import { followStream } from './reader';

const SSE_MARK = Symbol.for('switchboard.sse');

export interface SseFrame {
  event?: string;
  data: unknown;
}

export interface SseStream {
  [SSE_MARK]: true;
  streamId: string;
  fromSeq: number;
  /** Shapes an event into the dialect's frame; return null to skip it. */
  frame: (event: StoredEvent) => SseFrame | null;
  /** Close the stream after this event (a terminal event); never closes when absent. */
  closeAfter?: (event: StoredEvent) => boolean;
  /**
   * Nothing will ever be appended at or after fromSeq (a finished run read past its end): end at
   * once rather than wait for an event that cannot come.
   */
  ended?: boolean;
  /**
   * Names the frame shape when it depends on nothing but the event, so a frame is serialised once
   * per event and shared by every subscriber using that shape (fan-out to many readers).
   */
  shape?: string;
  /**
   * Registers the stream so revoking the credential that opened it closes it: called once the
   * stream is open with the function that closes it; returns the function that unregisters it.
   */
  untilRevoked?: (close: () => void) => () => void;
}

const frameCache = new WeakMap<StoredEvent, Map<string, string | null>>();

function frameText(stream: SseStream, event: StoredEvent): string | null {
  const cached = stream.shape ? frameCache.get(event)?.get(stream.shape) : undefined;
  if (cached !== undefined) return cached;
  const frame = stream.frame(event);
  let text: string | null = null;
  if (frame) {
    text = `id: ${event.seq}\n`;
    if (frame.event) text += `event: ${frame.event}\n`;
    for (const line of JSON.stringify(frame.data).split('\n')) text += `data: ${line}\n`;
    text += '\n';
  }
  if (stream.shape) {
    let byShape = frameCache.get(event);
    if (!byShape) frameCache.set(event, (byShape = new Map()));
    byShape.set(stream.shape, text);
  }
  return text;
}

export function sseStream(stream: Omit<SseStream, typeof SSE_MARK>): SseStream {
  return { [SSE_MARK]: true, ...stream };
}

export function isSseStream(value: unknown): value is SseStream {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SSE_MARK] === true;
}

function parseSeq(raw: string, field: string): number {
  if (!/^\d{1,15}$/.test(raw.trim())) throw badRequest('must be a non-negative integer', field);
  return Number(raw.trim());
}

/**
 * Where a reader starts: `Last-Event-ID` resumes after the last event seen; `from_seq` is inclusive.
 * With neither, from the beginning. A malformed cursor is a 400 naming it.
 */
export function resolveCursor(headers: Headers, fromSeq: string | number | undefined): number {
  const lastEventId = headers.get('last-event-id');
  if (lastEventId !== null && lastEventId !== '') return parseSeq(lastEventId, 'Last-Event-ID') + 1;
  if (fromSeq !== undefined && fromSeq !== '') return Math.max(1, parseSeq(String(fromSeq), 'from_seq'));
  return 1;
}

export const HEARTBEAT_MS = 15_000;

export async function writeSse(res: ServerResponse, stream: SseStream, deps: { db: Db; bus: EventBus }, heartbeatMs = HEARTBEAT_MS): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': stream open\n\n');
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  const release = stream.untilRevoked?.(() => controller.abort());
  try {
    if (!stream.ended) {
      for await (const event of followStream(deps.db, deps.bus, stream.streamId, { fromSeq: stream.fromSeq, signal: controller.signal, until: stream.closeAfter })) {
        const text = frameText(stream, event);
        if (text) res.write(text);
      }
    }
  } finally {
    release?.();
    clearInterval(heartbeat);
    if (!res.writableEnded) res.end();
  }
}
