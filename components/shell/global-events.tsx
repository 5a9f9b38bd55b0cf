'use client';
/**
 * One `events.global` subscription for the whole signed-in dashboard (it lives in the shell, so it
 * stays open across client-side navigation). Anything that must react to what happens anywhere —
 * the approvals badge, live lists and counts — registers a listener with `useGlobalEvents` instead of
 * opening a stream of its own.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useTRPC } from '@/lib/trpc';
import { useEventStream, type StreamState } from '@/lib/use-event-stream';
import type { AppRouter } from '@/server/api/root';

/** One event of the global stream: `seq` is its global position; `stream` and `stream_seq` name where it came from. */
export type GlobalEvent = (inferRouterOutputs<AppRouter>['events']['global'] extends AsyncIterable<infer T> ? T : never) extends { data: infer D }
  ? D
  : never;

type Listener = (events: GlobalEvent[]) => void;

interface GlobalEventsValue {
  subscribe: (listener: Listener) => () => void;
  state: StreamState;
  reconnect: () => void;
}

const GlobalEventsContext = createContext<GlobalEventsValue | null>(null);

export function GlobalEventsProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const listeners = useRef(new Set<Listener>());
  // Start from where the log is now, not from its beginning: listeners want what happens from here
  // on, and replaying the whole history on every page load would cost the server and the tab.
  const position = useQuery(trpc.overview.position.queryOptions(undefined, { staleTime: Infinity, gcTime: Infinity, retry: false }));
  const [start, setStart] = useState<string | undefined>(undefined);
  if (start === undefined && position.data) setStart(position.data.stream_position);
  const ready = start !== undefined || position.isError;
  const stream = useEventStream(
    'global',
    // A global event is a stream event plus where it came from; the hook only reads the common fields.
    (lastEventId, onData) => {
      const cursor = lastEventId ?? start;
      return trpc.events.global.subscriptionOptions(cursor ? { lastEventId: cursor } : undefined, { onData, enabled: ready }) as unknown as ReturnType<
        typeof trpc.events.run.subscriptionOptions
      >;
    },
    {
      onEvents: (events) => {
        for (const listener of listeners.current) listener(events as GlobalEvent[]);
      },
    },
  );
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  return (
    <GlobalEventsContext.Provider value={{ subscribe, state: stream.state, reconnect: stream.reconnect }}>{children}</GlobalEventsContext.Provider>
  );
}

/**
 * Calls `onEvents` with each batch of new global events (in order) while the component is mounted.
 * It hears nothing of what happened while it was not: a view kept current this way refetches its
 * data when it mounts (`refetchOnMount: 'always'`).
 * Returns the stream's state, for a "Live" indicator.
 */
export function useGlobalEvents(onEvents: Listener): { state: StreamState; reconnect: () => void } {
  const context = useContext(GlobalEventsContext);
  if (!context) throw new Error('useGlobalEvents must be used inside the dashboard shell');
  const latest = useRef(onEvents);
  useEffect(() => {
    latest.current = onEvents;
  });
  const { subscribe } = context;
  useEffect(() => subscribe((events) => latest.current(events)), [subscribe]);
  return { state: context.state, reconnect: context.reconnect };
}
