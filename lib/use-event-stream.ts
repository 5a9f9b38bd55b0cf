'use client';
/**
 * Follows a run's or a session's Server-Sent Events stream. The dashboard's HttpOnly cookie goes
 * with the request (same origin), so no token is ever put in the URL.
 *
 * Frames carry `id: <seq>`, so the browser's own reconnect resumes after the last event it saw
 * (Last-Event-ID). Events arrive in bursts (a model streams many deltas), so they are handed over
 * in batches, at most one batch per BATCH_MS, to keep re-renders down.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StreamEvent } from './types';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'ended' | 'failed';

const BATCH_MS = 50;

interface Options {
  /** Receives new events in order, each seq once. */
  onEvents: (events: StreamEvent[]) => void;
  /** A final event (a run's terminal one): the stream is closed after it instead of reconnecting. */
  isFinal?: (event: StreamEvent) => boolean;
}

function parse(raw: unknown): StreamEvent | null {
  if (typeof raw !== 'string') return null;
  try {
    const value = JSON.parse(raw) as Partial<StreamEvent>;
    if (typeof value.seq !== 'number' || typeof value.type !== 'string') return null;
    return value as StreamEvent;
  } catch {
    return null;
  }
}

export function useEventStream(url: string | null, options: Options): { state: StreamState; reconnect: () => void } {
  const [state, setState] = useState<StreamState>('connecting');
  const [attempt, setAttempt] = useState(0);
  const handlers = useRef(options);
  const lastSeq = useRef(0);

  useEffect(() => {
    handlers.current = options;
  });

  // A different stream starts from the beginning.
  useEffect(() => {
    lastSeq.current = 0;
  }, [url]);

  useEffect(() => {
    if (!url) return;
    let buffer: StreamEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let finished = false;

    const flush = () => {
      timer = undefined;
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      handlers.current.onEvents(batch);
    };

    // After a manual reconnect, ask only for what was not seen yet.
    const from = lastSeq.current + 1;
    const source = new EventSource(from > 1 ? `${url}${url.includes('?') ? '&' : '?'}from_seq=${from}` : url);
    setState('connecting');

    source.addEventListener('open', () => setState('open'));
    source.addEventListener('message', (message: MessageEvent) => {
      const event = parse(message.data);
      if (!event || event.seq <= lastSeq.current) return;
      lastSeq.current = event.seq;
      buffer.push(event);
      if (handlers.current.isFinal?.(event)) {
        finished = true;
        source.close();
        if (timer) clearTimeout(timer);
        flush();
        setState('ended');
        return;
      }
      timer ??= setTimeout(flush, BATCH_MS);
    });
    source.addEventListener('error', () => {
      if (finished) return;
      // CONNECTING: the browser retries by itself. CLOSED: it gave up (an HTTP error such as 401 or 404).
      setState(source.readyState === EventSource.CLOSED ? 'failed' : 'reconnecting');
    });

    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [url, attempt]);

  const reconnect = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reconnect };
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
