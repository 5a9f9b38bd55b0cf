/**
 * The SSE writer. A REST procedure that streams returns an SseStream descriptor (after its own
 * auth, validation and 404 checks); the transport hands the descriptor and the raw response here.
 * Every frame carries `id: <seq>`; a comment heartbeat keeps proxies from timing the stream out.
 * A frame is serialised once per event and shape and the same bytes go to every subscriber
 * (frame-cache.ts); a reader that falls too far behind and stays there is dropped with its cursor
 * (slow-reader.ts).
 */
import type { ServerResponse } from 'node:http';
import type { Db } from '@/db/client';
import { badRequest } from '@/server/core/shared/errors';
import type { StoredEvent } from '@/server/core/events/streams';
import type { EventBus } from './bus';
import { frameFor } from './frame-cache';
import { followStreamBatches } from './reader';
import { caughtUpWithin, MAX_PENDING_BYTES, SLOW_READER_MS, type SlowReaderOptions } from './slow-reader';
import { everyInterval } from './ticker';

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

function sseFrame(stream: SseStream, event: StoredEvent): Buffer | null {
  const frame = stream.frame(event);
  if (!frame) return null;
  let text = `id: ${event.seq}\n`;
  if (frame.event) text += `event: ${frame.event}\n`;
  for (const line of JSON.stringify(frame.data).split('\n')) text += `data: ${line}\n`;
  return Buffer.from(`${text}\n`);
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

export interface SseWriterOptions extends SlowReaderOptions {
  /** How often a comment line goes out on a quiet stream. */
  heartbeatMs?: number;
}

const OPEN = Buffer.from(': stream open\n\n');
const HEARTBEAT = Buffer.from(': heartbeat\n\n');

export async function writeSse(res: ServerResponse, stream: SseStream, deps: { db: Db; bus: EventBus }, opts: SseWriterOptions = {}): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(OPEN);
  const stopHeartbeat = everyInterval(opts.heartbeatMs ?? HEARTBEAT_MS, () => res.write(HEARTBEAT));
  const release = stream.untilRevoked?.(() => controller.abort());
  const maxPending = opts.maxPendingBytes ?? MAX_PENDING_BYTES;
  const slowReaderMs = opts.slowReaderMs ?? SLOW_READER_MS;
  const shapeKey = stream.shape === undefined ? undefined : `sse:${stream.shape}`;
  const build = (event: StoredEvent) => sseFrame(stream, event);
  let slow = false;
  try {
    if (!stream.ended) {
      const events = followStreamBatches(deps.db, deps.bus, stream.streamId, { fromSeq: stream.fromSeq, signal: controller.signal, until: stream.closeAfter });
      // Writes within one tick leave together (node:http corks the socket until the next tick).
      for await (const batch of events) {
        for (const event of batch) {
          const frame = frameFor(event, shapeKey, build);
          if (frame) res.write(frame);
          if (res.writableLength > maxPending && !(await caughtUpWithin(slowReaderMs, controller.signal, (caughtUp) => res.once('drain', caughtUp)))) {
            slow = !controller.signal.aborted;
            break;
          }
        }
        if (slow || controller.signal.aborted) break;
      }
    }
  } finally {
    release?.();
    stopHeartbeat();
    if (slow) dropSlowReader(res, slowReaderMs);
    else if (!res.writableEnded) res.end();
  }
}

/**
 * Ends the response after what is already written (each whole frame carries its `id:`, so the
 * client resumes with Last-Event-ID exactly where it stopped); a peer that does not read even that
 * within another grace period is cut off, so what it holds is bounded in time as well as size.
 */
function dropSlowReader(res: ServerResponse, graceMs: number): void {
  if (!res.writableEnded) res.end();
  const cut = setTimeout(() => res.destroy(), graceMs);
  cut.unref();
  res.once('close', () => clearTimeout(cut));
}
