/**
 * What the three event subscriptions share: where a reader resumes, and following a stream through
 * the one shared reader (subscribe → replay → de-duplicate, server/stream/reader.ts) while handing
 * every event to tRPC as `tracked(seq)`, so the client's reconnect sends the last seq it saw back
 * as `lastEventId`.
 */
import { tracked, type TrackedEnvelope } from '@trpc/server';
import { z } from 'zod';
import type { StoredEvent } from '@/server/core/events/streams';
import type { Principal } from '@/server/auth/principal';
import { trackStream } from '@/server/auth/open-streams';
import { followStream } from '@/server/stream/reader';
import type { Services } from '@/server/services';

/**
 * The resume cursor. tRPC fills it from the client's last tracked id on a reconnect (and from a
 * native EventSource's `Last-Event-ID` header); a caller may also pass it to start after a seq.
 */
export const resumeCursor = {
  lastEventId: z
    .string()
    // 16 digits: the global stream's seqs are global positions, up to 2^53.
    .regex(/^\d{1,16}$/, 'must be the seq of the last event seen (a non-negative integer)')
    .refine((value) => Number.isSafeInteger(Number(value)), 'must be the seq of the last event seen (a non-negative integer)')
    .nullish(),
};

/** The first seq to read: the one after the last event seen, or the stream's first. */
export function firstUnseenSeq(lastEventId: string | null | undefined): number {
  return lastEventId ? Number(lastEventId) + 1 : 1;
}

export interface FollowTrackedOptions<T> {
  fromSeq: number;
  signal: AbortSignal | undefined;
  /** Who opened the stream: revoking any credential it stands on (a key, a session) ends it. */
  openedBy: Principal;
  /** Shapes an event for the client; null leaves it out (the cursor still moves past it). */
  shape: (event: StoredEvent) => T | null | Promise<T | null>;
  /** End the subscription after this event (a run's terminal event). */
  until?: (event: StoredEvent) => boolean;
}

export async function* followTracked<T>(
  services: Pick<Services, 'db' | 'bus'>,
  streamId: string,
  opts: FollowTrackedOptions<T>,
): AsyncGenerator<TrackedEnvelope<T>, void> {
  yield* trackEvents(opts, (signal) => followStream(services.db, services.bus, streamId, { fromSeq: opts.fromSeq, signal, until: opts.until }), (event) => event.seq);
}

/**
 * Hands the events of `source` to tRPC as `tracked(id)`, shaped for the client, until the client goes
 * away or a credential the stream stands on is revoked.
 */
export async function* trackEvents<T>(
  opts: Pick<FollowTrackedOptions<T>, 'signal' | 'openedBy' | 'shape'>,
  source: (signal: AbortSignal) => AsyncIterable<StoredEvent>,
  idOf: (event: StoredEvent) => number,
): AsyncGenerator<TrackedEnvelope<T>, void> {
  // tRPC aborts its signal when the client goes away, and a revocation aborts ours; either way the
  // reader stops and unsubscribes.
  const revoked = new AbortController();
  const release = trackStream(opts.openedBy.credentials, () => revoked.abort());
  const signal = opts.signal ? AbortSignal.any([opts.signal, revoked.signal]) : revoked.signal;
  try {
    for await (const event of source(signal)) {
      const shaped = await opts.shape(event);
      if (shaped !== null) yield tracked(String(idOf(event)), shaped);
    }
  } finally {
    release();
  }
}
