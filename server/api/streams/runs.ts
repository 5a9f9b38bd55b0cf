/** Canonical run streams over WebSocket, for the dashboard, the SDK and any client that prefers a socket to SSE. */
import { toStoredEventDto } from '@/server/core/events/event-dto';
import * as runs from '@/server/core/runs';
import { RUN_TERMINAL_EVENTS } from '@/server/core/work/status';
import { resolveCursor } from '@/server/stream/sse';
import { endpoint } from '../dialects/endpoint';
import { idParam, streamQuery } from '../dialects/schemas';

export const runEventsSocket = endpoint({
  dialect: 'switchboard',
  method: 'GET',
  path: '/api/v1/runs/{run_id}/events/ws',
  scope: 'runs:read',
  transport: 'websocket',
  summary:
    'A run\u2019s events over WebSocket, one JSON message `{seq, type, data, created_at}` per event; ?from_seq= (inclusive) resumes; closes with 1000 after the terminal event, or with 4008 and the reason `slow reader; resume with from_seq=N` when the client reads too slowly',
  input: idParam('run_id').extend(streamQuery.shape),
  handler: async ({ deps, principal, input, headers }) => {
    const fromSeq = resolveCursor(headers, input.from_seq);
    const { streamId, exhausted } = await runs.openRunStream(deps, principal, { id: input.run_id, fromSeq });
    return { streamId, fromSeq, ended: exhausted, message: toStoredEventDto, shape: 'stored-event-dto', closeAfter: (e) => RUN_TERMINAL_EVENTS.has(e.type) };
  },
});
