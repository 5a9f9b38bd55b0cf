'use client';
import { useGlobalEvents, type GlobalEvent } from '@/components/shell/global-events';
import { useCoalesced } from '@/lib/use-event-stream';

/** Deltas only carry streamed text: they change nothing a list shows. */
const changesAList = (event: GlobalEvent) => !event.type.endsWith('_delta');

/** Time to gather a burst of events into one refetch: well under a second, a few refetches per second at most. */
const COALESCE_MS = 300;

/**
 * Keeps a list current through the dashboard's one global subscription: when an event of one of
 * `streamPrefixes` (`run:`, `session:`) arrives — whichever dialect or client caused it — calls
 * `refresh` once per burst.
 */
export function useLiveList(streamPrefixes: readonly string[], refresh: () => void) {
  const coalesced = useCoalesced(refresh, COALESCE_MS);
  return useGlobalEvents((events) => {
    if (events.some((e) => changesAList(e) && streamPrefixes.some((prefix) => e.stream.startsWith(prefix)))) coalesced();
  });
}
