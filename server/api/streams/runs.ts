/** Canonical run streams over WebSocket, for the dashboard, the SDK and any client that prefers a socket to SSE. */
import { readEvents } from '@/server/core/events/read-events';
import { runStream } from '@/server/core/events/streams';
import * as runs from '@/server/core/runs';
import { isTerminalRun, RUN_TERMINAL_EVENTS } from '@/server/core/work/status';
import { resolveCursor } from '@/server/stream/sse';
import { toEventOutput } from '@/server/api/routers/work-outputs';
import { endpoint } from '../dialects/endpoint';
import { idParam, streamQuery } from '../dialects/schemas';

export const runEventsSocket = endpoint({
  dialect: 'switchboard',
  method: 'GET',
  path: '/api/v1/runs/{run_id}/events/ws',
  scope: 'runs:read',
  transport: 'websocket',
  summary:
    'A run\u2019s events over WebSocket, one JSON message `{seq, type, data, created_at}` per event; ?from_seq= (inclusive) resumes; closes with 1000 after the terminal event',
  input: idParam('run_id').extend(streamQuery.shape),
  handler: async ({ deps, input, headers }) => {
    const run = await runs.getRun(deps.db, input.run_id);
    const streamId = runStream(run.id);
    const fromSeq = resolveCursor(headers, input.from_seq);
    // A finished run has all its events in the log (status and terminal event commit together).
    const ended = isTerminalRun(run.status) && (await readEvents(deps.db, streamId, fromSeq, 1)).length === 0;
    return {
      streamId,
      fromSeq,
      ended,
      message: toEventOutput,
      closeAfter: (e) => RUN_TERMINAL_EVENTS.has(e.type),
    };
  },
});
