'use client';
import { useRef } from 'react';
import { useGlobalEvents } from '@/components/shell/global-events';
import type { StreamEvent } from '@/lib/types';
import { useCoalesced, type StreamState } from '@/lib/use-event-stream';

/** How long a burst of events is gathered before the views it touches refetch (once). */
const COALESCE_MS = 150;

/** Model text streams in many deltas that change no count, status or total: they need no refetch. */
const isDelta = (event: StreamEvent) => event.type.endsWith('_delta');

/**
 * Calls `onChange` at most once per COALESCE_MS while changes arrive on the dashboard's one global
 * subscription (the shell's), saying whether an emergency stop event was among them.
 */
export function useGlobalChanges(onChange: (change: { emergency: boolean }) => void): { state: StreamState; reconnect: () => void } {
  const emergency = useRef(false);
  const flush = useCoalesced(() => {
    const change = { emergency: emergency.current };
    emergency.current = false;
    onChange(change);
  }, COALESCE_MS);
  return useGlobalEvents((events) => {
    const relevant = events.filter((e) => !isDelta(e));
    if (relevant.length === 0) return;
    if (relevant.some((e) => e.type.startsWith('emergency_'))) emergency.current = true;
    flush();
  });
}
