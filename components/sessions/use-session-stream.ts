'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useReducer } from 'react';
import { appendToLog, applyToOutputs, applyToSteps, type LogEntry, type ModelOutput, type StepDetail } from '@/lib/events';
import { useTRPC } from '@/lib/trpc';
import type { StreamEvent } from '@/lib/types';
import { useCoalesced, useEventStream } from '@/lib/use-event-stream';

interface SessionStreamState {
  sessionId: string;
  lastSeq: number;
  log: LogEntry[];
  outputs: ModelOutput[];
  /** Per step: each tool call's exit code, timing and approval, as the stream told them. */
  details: Record<string, StepDetail>;
}

const initial = (sessionId: string): SessionStreamState => ({ sessionId, lastSeq: 0, log: [], outputs: [], details: {} });

function reduce(current: SessionStreamState, action: { sessionId: string; events: StreamEvent[] }): SessionStreamState {
  const state = current.sessionId === action.sessionId ? current : initial(action.sessionId);
  const events = action.events.filter((e) => e.seq > state.lastSeq);
  if (events.length === 0) return state;
  return {
    sessionId: state.sessionId,
    lastSeq: events[events.length - 1]!.seq,
    log: appendToLog(state.log, events),
    outputs: applyToOutputs(state.outputs, events),
    details: applyToSteps(state.details, events),
  };
}

/**
 * Follows the session's canonical event stream (`events.session`; it never ends: a session can
 * always take another message) and refreshes the session and its approvals as things happen.
 */
export function useSessionStream(sessionId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [stored, dispatch] = useReducer(reduce, sessionId, initial);
  const state = stored.sessionId === sessionId ? stored : initial(sessionId);

  const refresh = useCoalesced(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.sessions.get.queryKey({ id: sessionId }) });
    void queryClient.invalidateQueries(trpc.approvals.list.pathFilter());
    void queryClient.invalidateQueries(trpc.sessions.list.pathFilter());
  }, 250);

  const stream = useEventStream(
    sessionId,
    (lastEventId, onData) => trpc.events.session.subscriptionOptions({ id: sessionId, lastEventId }, { onData }),
    {
      onEvents: (events) => {
        dispatch({ sessionId, events });
        if (events.some((e) => e.type !== 'model_output_delta')) refresh();
      },
    },
  );

  return { ...state, connection: stream.state, reconnect: stream.reconnect };
}
