/**
 * Serialise once, send to everyone: the bytes a writer sends for an event, kept with the event
 * object itself (the one the bus published, or the one a shared replay read returned) under a key
 * naming the wire shape, so a thousand subscribers of one stream cost one JSON.stringify and one
 * Buffer per event and shape. The cache lives exactly as long as the event object does.
 */
import type { StoredEvent } from '@/server/core/events/streams';

const frames = new WeakMap<StoredEvent, Map<string, Buffer | null>>();

/**
 * The frame for `event` in the wire shape `key` (null: the shape skips this event). Without a key
 * the shape depends on more than the event (e.g. on who reads it), so it is built every time.
 */
export function frameFor(event: StoredEvent, key: string | undefined, build: (event: StoredEvent) => Buffer | null): Buffer | null {
  if (key === undefined) return build(event);
  let byKey = frames.get(event);
  if (byKey) {
    const cached = byKey.get(key);
    if (cached !== undefined) return cached;
  } else frames.set(event, (byKey = new Map()));
  const frame = build(event);
  byKey.set(key, frame);
  return frame;
}
