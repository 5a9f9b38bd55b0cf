'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useReducer } from 'react';
import { appendToLog, applyToOutputs, type LogEntry, type ModelOutput } from '@/lib/events';
import { useTRPC } from '@/lib/trpc';
import type { StreamEvent } from '@/lib/types';
import { useCoalesced, useEventStream } from '@/lib/use-event-stream';

interface SessionStreamState {
  lastSeq: number;
  log: LogEntry[];
  outputs: ModelOutput[];
}

const initial: SessionStreamState = { lastSeq: 0, log: [], outputs: [] };

function reduce(state: SessionStreamState, incoming: StreamEvent[]): SessionStreamState {
  const events = incoming.filter((e) => e.seq > state.lastSeq);
  if (events.length === 0) return state;
  return { lastSeq: events[events.length - 1]!.seq, log: appendToLog(state.log, events), outputs: applyToOutputs(state.outputs, events) };
}

/**
 * Follows `/v1/sessions/{id}/events` (it never ends: a session can always take another message)
 * and refreshes the session and its approvals as things happen.
 */
export function useSessionStream(sessionId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(reduce, initial);

  const refresh = useCoalesced(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.sessions.get.queryKey({ id: sessionId }) });
    void queryClient.invalidateQueries(trpc.approvals.list.pathFilter());
    void queryClient.invalidateQueries(trpc.sessions.list.pathFilter());
  }, 250);

  const stream = useEventStream(`/v1/sessions/${encodeURIComponent(sessionId)}/events`, {
    onEvents: (events) => {
      dispatch(events);
      if (events.some((e) => e.type !== 'model_output_delta')) refresh();
    },
  });

  return { ...state, connection: stream.state, reconnect: stream.reconnect };
}
