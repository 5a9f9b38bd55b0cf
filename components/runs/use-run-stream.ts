'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useReducer } from 'react';
import { appendToLog, applyToOutputs, applyToSteps, type LogEntry, type ModelOutput, type StepDetail } from '@/lib/events';
import { useTRPC } from '@/lib/trpc';
import type { StreamEvent } from '@/lib/types';
import { useCoalesced, useEventStream } from '@/lib/use-event-stream';
import { RUN_TERMINAL_EVENTS } from '@/lib/work';

interface RunStreamState {
  runId: string;
  lastSeq: number;
  log: LogEntry[];
  outputs: ModelOutput[];
  /** Per step: the tool call, its result and its approval, as the stream told them. */
  details: Record<string, StepDetail>;
  /** The status the terminal event announced, before the run query has caught up. */
  finalStatus: string | null;
}

const initial = (runId: string): RunStreamState => ({ runId, lastSeq: 0, log: [], outputs: [], details: {}, finalStatus: null });

function reduce(current: RunStreamState, action: { runId: string; events: StreamEvent[] }): RunStreamState {
  const state = current.runId === action.runId ? current : initial(action.runId);
  const events = action.events.filter((e) => e.seq > state.lastSeq);
  if (events.length === 0) return state;
  const terminal = events.find((e) => RUN_TERMINAL_EVENTS.has(e.type));
  const status = terminal?.data.status;
  return {
    runId: state.runId,
    lastSeq: events[events.length - 1]!.seq,
    log: appendToLog(state.log, events),
    outputs: applyToOutputs(state.outputs, events),
    details: applyToSteps(state.details, events),
    finalStatus: terminal ? (typeof status === 'string' ? status : terminal.type.replace(/^run_/, '')) : state.finalStatus,
  };
}

/**
 * Follows the run's canonical event stream (`events.run`) from the first event, so the log and the
 * model output are whole on a fresh page load, and refreshes the run and the approvals as things
 * happen. Deltas only carry text, so they do not trigger a refetch.
 */
export function useRunStream(runId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [stored, dispatch] = useReducer(reduce, runId, initial);
  const state = stored.runId === runId ? stored : initial(runId);

  const refresh = useCoalesced(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id: runId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.runs.usage.queryKey({ id: runId }) });
    void queryClient.invalidateQueries(trpc.approvals.list.pathFilter());
    void queryClient.invalidateQueries(trpc.runs.list.pathFilter());
  }, 250);

  const stream = useEventStream(runId, (lastEventId, onData) => trpc.events.run.subscriptionOptions({ id: runId, lastEventId }, { onData }), {
    onEvents: (events) => {
      dispatch({ runId, events });
      if (events.some((e) => e.type !== 'model_output_delta')) refresh();
    },
    isFinal: (event) => RUN_TERMINAL_EVENTS.has(event.type),
  });

  return { ...state, connection: stream.state, reconnect: stream.reconnect };
}
