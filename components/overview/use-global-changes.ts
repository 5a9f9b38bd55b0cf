'use client';
import { skipToken } from '@tanstack/react-query';
import { useRef } from 'react';
import { useTRPC } from '@/lib/trpc';
import type { StreamEvent } from '@/lib/types';
import { useCoalesced, useEventStream, type StreamState } from '@/lib/use-event-stream';

/** How long a burst of events is gathered before the views it touches refetch (once). */
const COALESCE_MS = 150;

/** Model text streams in many deltas that change no count, status or total: they need no refetch. */
const isDelta = (event: StreamEvent) => event.type.endsWith('_delta');

type Subscription = ReturnType<Parameters<typeof useEventStream>[1]>;

/**
 * Follows `events.global` from `startPosition` (the position the page's first read was consistent
 * with, so the whole log is never replayed) and calls `onChange` at most once per COALESCE_MS with
 * whether an emergency stop event was among the changes. Nothing is subscribed until the position is
 * known.
 */
export function useGlobalChanges(
  streamKey: string,
  startPosition: string | undefined,
  onChange: (change: { emergency: boolean }) => void,
): { state: StreamState; reconnect: () => void } {
  const trpc = useTRPC();
  const emergency = useRef(false);
  const flush = useCoalesced(() => {
    const change = { emergency: emergency.current };
    emergency.current = false;
    onChange(change);
  }, COALESCE_MS);

  return useEventStream(
    `${streamKey}:${startPosition ?? 'pending'}`,
    // A global event is a run or session event naming its stream besides: the hook reads only what they share.
    (lastEventId, onData) =>
      trpc.events.global.subscriptionOptions(startPosition === undefined ? skipToken : { lastEventId: lastEventId ?? startPosition }, {
        onData,
      }) as unknown as Subscription,
    {
      onEvents: (events) => {
        const relevant = events.filter((e) => !isDelta(e));
        if (relevant.length === 0) return;
        if (relevant.some((e) => e.type.startsWith('emergency_'))) emergency.current = true;
        flush();
      },
    },
  );
}
