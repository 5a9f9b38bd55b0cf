'use client';
import { skipToken } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc';
import type { StreamEvent } from '@/lib/types';
import { useCoalesced, useEventStream } from '@/lib/use-event-stream';

/** An event of the global stream: a run's or a session's event, naming the stream it belongs to. */
export type GlobalEvent = StreamEvent & { stream?: string; stream_seq?: number };

/** Deltas only carry streamed text: they change nothing a list shows. */
const changesAList = (event: GlobalEvent) => !event.type.endsWith('_delta');

/** Time to gather a burst of events into one refetch: well under a second, a few refetches per second at most. */
const COALESCE_MS = 300;

/**
 * Keeps a list current through `events.global`: it follows the stream from the position the list's
 * first page reflected (`cursor`), and when an event of one of `streamPrefixes` (`run:`, `session:`)
 * arrives — whichever dialect or client caused it — calls `refresh` once per burst.
 */
export function useLiveList(streamKey: string, cursor: string | undefined, streamPrefixes: readonly string[], refresh: () => void) {
  const trpc = useTRPC();
  // The first page's position, kept: the subscription resumes by itself after that.
  const [start, setStart] = useState<string | undefined>(cursor);
  if (start === undefined && cursor !== undefined) setStart(cursor);
  const coalesced = useCoalesced(refresh, COALESCE_MS);

  // A global event is a stream event that also names its stream: the hook's onData takes it as such.
  const subscription = ((lastEventId: string | undefined, onData: (tracked: { id: string; data: GlobalEvent }) => void) =>
    trpc.events.global.subscriptionOptions(start === undefined ? skipToken : { lastEventId: lastEventId ?? start }, { onData })) as unknown as Parameters<typeof useEventStream>[1];

  const stream = useEventStream(streamKey, subscription, {
    onEvents: (events: GlobalEvent[]) => {
      if (events.some((e) => changesAList(e) && streamPrefixes.some((prefix) => e.stream?.startsWith(prefix)))) coalesced();
    },
  });
  // Until the first page names where to start, the stream is about to connect, not over.
  return start === undefined ? { ...stream, state: 'connecting' as const } : stream;
}
