/**
 * Serialise once, send to everyone: the bytes a writer sends for an event in a given wire shape.
 * Two levels, both keyed by the shape:
 *   - on the event object itself (a WeakMap): the bus hands every live subscriber the same object,
 *     so a thousand subscribers of one stream cost one lookup each and one JSON.stringify in all;
 *   - by stream and seq (a committed event never changes), for the copies of one event that
 *     separate log reads return — a reconnect storm replays the same range many times over. A
 *     process serves one database, whose stream ids are unique (run and session ids are UUIDs).
 *     This level is bounded by bytes and forgets the oldest frames first.
 */
import type { StoredEvent } from '@/server/core/events/streams';

const byObject = new WeakMap<StoredEvent, Map<string, Buffer | null>>();

/** Recently built frames by `shape \0 stream \0 seq`, oldest first. */
const recent = new Map<string, Buffer | null>();
let recentBytes = 0;
export const RECENT_FRAME_BYTES = 16 * 1024 * 1024;
/** A frame bigger than this is not worth evicting many others for. */
const LARGEST_RECENT_FRAME = 256 * 1024;

function remember(key: string, frame: Buffer | null): void {
  const size = frame?.length ?? 0;
  if (size > LARGEST_RECENT_FRAME) return;
  recent.set(key, frame);
  recentBytes += size + key.length;
  for (const [oldest, old] of recent) {
    if (recentBytes <= RECENT_FRAME_BYTES) break;
    recent.delete(oldest);
    recentBytes -= (old?.length ?? 0) + oldest.length;
  }
}

/**
 * The frame for `event` in the wire shape `key` (null: the shape skips this event). Without a key
 * the shape depends on more than the event (e.g. on who reads it), so it is built every time.
 */
export function frameFor(event: StoredEvent, key: string | undefined, build: (event: StoredEvent) => Buffer | null): Buffer | null {
  if (key === undefined) return build(event);
  let shapes = byObject.get(event);
  if (shapes) {
    const cached = shapes.get(key);
    if (cached !== undefined) return cached;
  } else byObject.set(event, (shapes = new Map()));
  const recentKey = `${key}\0${event.streamId}\0${event.seq}`;
  let frame = recent.get(recentKey);
  if (frame === undefined) {
    frame = build(event);
    remember(recentKey, frame);
  }
  shapes.set(key, frame);
  return frame;
}
