/** EchoHelix runs: submit, read, cancel, and follow as Event v2 over WebSocket. */
import { z } from 'zod';
import * as runs from '@/server/core/runs';
import { policyForSandbox } from '@/server/core/work/sandbox-policy';
import { RUN_TERMINAL_EVENTS } from '@/server/core/work/status';
import { resolveCursor } from '@/server/stream/sse';
import { endpoint } from '../endpoint';
import { idParam, streamQuery } from '../schemas';
import { workload } from './guards';
import { modelRefOf } from './shapes/backends';
import {
  ATTACHMENTS_FOLDER,
  backendOfRun,
  echohelixRun,
  echohelixRunStatus,
  runMetadataOf,
  runSubmitRequest,
  runSubmitResponse,
  streamUrlOf,
  toEchohelixRun,
  toEventV2,
} from './shapes/runs';

const runId = idParam('run_id');

export const submitRun = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/runs',
  ...workload('runs:submit'),
  status: 202,
  summary:
    'Submit a run on a backend; `options.sandbox` decides what the agent may do unattended (read-only: no writes, no commands; workspace-write, the default: writes, no commands; danger-full-access: everything, admin only). Attachments in `context.attachments` are copied to `.echohelix/attachments/<run_id>/<alias>` in the workspace.',
  input: runSubmitRequest,
  output: runSubmitResponse,
  handler: async ({ deps, principal, input }) => {
    const model = modelRefOf(deps, input.backend, input.options?.model, 'options.model');
    const run = await runs.createRun(deps, principal, {
      workspacePath: input.workspace_path,
      prompt: input.prompt,
      model,
      policy: policyForSandbox(principal, input.options?.sandbox, 'options.sandbox'),
      origin: 'echohelix',
      metadata: runMetadataOf(input),
      attachments: { folder: ATTACHMENTS_FOLDER, files: (input.context?.attachments ?? []).map((a) => ({ fileId: a.file_id, alias: a.alias })) },
      fields: { model: 'options.model', attachments: 'context.attachments' },
    });
    return { run_id: run.id, status: echohelixRunStatus(run.status), stream_url: streamUrlOf(run.id), created_at: run.created_at };
  },
});

export const getRun = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/runs/{run_id}',
  ...workload('runs:read'),
  summary: 'A run: its submission, status, and how it ended (`terminal`)',
  input: runId,
  output: echohelixRun,
  handler: async ({ deps, principal, input }) => toEchohelixRun(await runs.getRun(deps, principal, { id: input.run_id })),
});

export const cancelRun = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/runs/{run_id}/cancel',
  ...workload('runs:cancel'),
  summary: 'Cancel a run; a finished run is a 400 `run is already <status>` and is left as it was',
  input: runId,
  output: z.object({ run_id: z.string(), status: z.literal('cancelled') }),
  handler: async ({ deps, principal, input }) => {
    await runs.cancelRun(deps, principal, { id: input.run_id, statusName: echohelixRunStatus });
    return { run_id: input.run_id, status: 'cancelled' as const };
  },
});

export const runEvents = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/runs/{run_id}/events',
  ...workload('runs:read'),
  transport: 'websocket',
  summary:
    'The run as Event v2 messages over WebSocket, one per stored event with its seq; ?from_seq= (inclusive) resumes; closes after the terminal `done`. Credentials by header, ?access_token= or ?token=',
  input: runId.extend(streamQuery.shape),
  handler: async ({ deps, principal, input, headers }) => {
    const fromSeq = resolveCursor(headers, input.from_seq);
    const { streamId, exhausted } = await runs.openRunStream(deps, principal, { id: input.run_id, fromSeq });
    const backend = backendOfRun(await runs.getRun(deps, principal, { id: input.run_id }));
    return {
      streamId,
      fromSeq,
      ended: exhausted,
      message: (e) => toEventV2(input.run_id, backend, e),
      // The backend is fixed per run and a stream is one run's, so the message depends on the event alone.
      shape: 'echohelix-event-v2',
      closeAfter: (e) => RUN_TERMINAL_EVENTS.has(e.type),
    };
  },
});
