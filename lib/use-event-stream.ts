'use client';
/**
 * Follows one of the canonical event streams: a tRPC subscription over Server-Sent Events
 * (`events.run`, `events.session`). The dashboard's HttpOnly cookie goes with the request (same
 * origin), so no token is ever put in the URL.
 *
 * Every event is tracked by its seq, so the subscription link's own reconnect resumes right after
 * the last event it delivered. When the link gives up (an error the server says is final), the
 * Reconnect button subscribes again after the last event this page saw. Events arrive in bursts
 * (a model streams many deltas), so they are handed over in batches, at most one batch per
 * BATCH_MS, to keep re-renders down.
 */
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StreamEvent } from './types';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'ended' | 'failed';

const BATCH_MS = 50;

interface TrackedEvent {
  id: string;
  data: StreamEvent;
}

type SubscriptionOptions<TError> = Parameters<typeof useSubscription<TrackedEvent, TError>>[0];

interface Options {
  /** Receives new events in order, each seq once. */
  onEvents: (events: StreamEvent[]) => void;
  /** A final event (a run's terminal one): the server ends the stream after it. */
  isFinal?: (event: StreamEvent) => boolean;
}

/**
 * `streamKey` names the stream (a different one starts from its beginning); `subscription` builds
 * the subscription's options for a cursor, e.g.
 * `(lastEventId, onData) => trpc.events.run.subscriptionOptions({ id, lastEventId }, { onData })`.
 */
export function useEventStream<TError>(
  streamKey: string,
  subscription: (lastEventId: string | undefined, onData: (tracked: TrackedEvent) => void) => SubscriptionOptions<TError>,
  options: Options,
): { state: StreamState; reconnect: () => void } {
  const handlers = useRef(options);
  const lastSeen = useRef({ streamKey, seq: 0 });
  const buffer = useRef<StreamEvent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [resume, setResume] = useState<{ streamKey: string; lastEventId?: string }>({ streamKey });
  const [endedKey, setEndedKey] = useState<string | null>(null);

  useEffect(() => {
    handlers.current = options;
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    if (buffer.current.length === 0) return;
    const batch = buffer.current;
    buffer.current = [];
    handlers.current.onEvents(batch);
  }, []);

  const onData = ({ data: event }: TrackedEvent) => {
    if (lastSeen.current.streamKey !== streamKey) {
      flush();
      lastSeen.current = { streamKey, seq: 0 };
    }
    if (event.seq <= lastSeen.current.seq) return;
    lastSeen.current.seq = event.seq;
    buffer.current.push(event);
    if (handlers.current.isFinal?.(event)) {
      flush();
      setEndedKey(streamKey);
      return;
    }
    timer.current ??= setTimeout(flush, BATCH_MS);
  };

  const lastEventId = resume.streamKey === streamKey ? resume.lastEventId : undefined;
  const result = useSubscription(subscription(lastEventId, onData));

  const reconnect = useCallback(() => {
    const seen = lastSeen.current.streamKey === streamKey ? lastSeen.current.seq : 0;
    const next = seen > 0 ? String(seen) : undefined;
    // The same cursor is the same subscription: start it again instead.
    if (next === lastEventId) result.reset();
    else setResume({ streamKey, lastEventId: next });
  }, [streamKey, lastEventId, result]);

  return { state: stateOf(result.status, result.error !== null, endedKey === streamKey), reconnect };
}

function stateOf(status: 'idle' | 'connecting' | 'pending' | 'error', hasError: boolean, ended: boolean): StreamState {
  if (ended) return 'ended';
  switch (status) {
    case 'pending':
      return 'open';
    case 'connecting':
      return hasError ? 'reconnecting' : 'connecting';
    case 'error':
      return 'failed';
    case 'idle':
      return 'ended';
  }
}

/**
 * A function that runs `fn` once `ms` after the first of a burst of calls (the calls in between are
 * merged into that one run). Unlike a plain debounce, a steady stream of calls still runs it every
 * `ms`. Stable across renders.
 */
export function useCoalesced(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    latest.current = fn;
  });
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      timer.current = undefined;
    },
    [],
  );
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  }, [ms]);
}
