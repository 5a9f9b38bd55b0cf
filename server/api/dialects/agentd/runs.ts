/** agentd runs: create from a spec file (or a prompt), list, read, follow, approve, cancel, export. */
import { z } from 'zod';
import * as approvals from '@/server/core/approvals';
import * as runs from '@/server/core/runs';
import { RUN_TERMINAL_EVENTS } from '@/server/core/work/status';
import { resolveCursor, sseStream } from '@/server/stream/sse';
import { detailed, endpoint } from '../endpoint';
import { idParam, OK, ok, pagination, streamQuery } from '../schemas';
import { agentdRun, toAgentdRun, toAgentdRunEvent } from './shapes';

const runId = idParam('run_id');

export const createRun = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/runs',
  scope: 'runs:submit',
  summary: 'Create and start a run from a spec file (or a prompt)',
  input: z.object({
    workspace_path: z.string().min(1),
    spec_path: z.string().min(1).optional(),
    prompt: z.string().optional(),
    model: z.string().optional(),
  }),
  output: z.object({ run_id: z.string() }),
  handler: async ({ deps, principal, input }) => {
    const run = await runs.createRun(deps, principal, {
      workspacePath: input.workspace_path,
      specPath: input.spec_path,
      prompt: input.prompt,
      model: input.model,
      origin: 'agentd',
    });
    return { run_id: run.id };
  },
});

export const listRuns = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/runs',
  scope: 'runs:read',
  summary: 'Runs, most recent first',
  input: pagination().optional(),
  output: z.array(agentdRun),
  handler: async ({ deps, principal, input }) => (await runs.listRuns(deps, principal, { limit: input?.limit ?? 100, offset: input?.offset })).runs.map(toAgentdRun),
});

export const getRun = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/runs/{run_id}',
  scope: 'runs:read',
  summary: 'A run with its steps',
  input: runId,
  output: agentdRun,
  handler: async ({ deps, principal, input }) => toAgentdRun(await runs.getRun(deps, principal, { id: input.run_id })),
});

export const runEvents = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/runs/{run_id}/events',
  scope: 'runs:read',
  transport: 'sse',
  summary:
    'Server-Sent Events of the run (`event: message`, `id: <seq>`); resumes from Last-Event-ID or ?from_seq= (inclusive); ends after the terminal event',
  input: runId.extend(streamQuery.shape),
  handler: async ({ deps, principal, input, headers }) => {
    const fromSeq = resolveCursor(headers, input.from_seq);
    const { streamId, exhausted } = await runs.openRunStream(deps, principal, { id: input.run_id, fromSeq });
    return sseStream({
      streamId,
      fromSeq,
      ended: exhausted,
      frame: (e) => ({ event: 'message', data: toAgentdRunEvent(input.run_id, e) }),
      shape: 'agentd',
      closeAfter: (e) => RUN_TERMINAL_EVENTS.has(e.type),
    });
  },
});

export const approveRunStep = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/runs/{run_id}/approve',
  scope: 'runs:submit',
  summary: 'Approve (or deny) a gated step',
  input: runId.extend({ step_id: z.string().min(1), action: z.enum(['approve', 'deny']).optional(), reason: z.string().optional() }),
  output: ok,
  handler: async ({ deps, principal, input }) => {
    await approvals.decideApproval(deps, principal, { runId: input.run_id, stepId: input.step_id, approve: input.action !== 'deny', reason: input.reason });
    return OK;
  },
});

export const cancelRun = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/runs/{run_id}/cancel',
  scope: 'runs:cancel',
  summary: 'Cancel a run',
  input: runId,
  output: ok,
  handler: async ({ deps, principal, input }) => {
    await runs.cancelRun(deps, principal, { id: input.run_id });
    return OK;
  },
});

export const exportRun = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/runs/{run_id}/export',
  scope: 'runs:read',
  transport: 'detailed',
  download: 'application/zip',
  summary: 'The run as a zip: run.json, events.ndjson, artifacts/',
  input: runId,
  output: detailed(z.instanceof(Blob)),
  handler: async ({ deps, principal, input }) => {
    const zip = await runs.exportRun(deps, principal, { id: input.run_id, shape: { run: toAgentdRun, event: (e) => toAgentdRunEvent(input.run_id, e) } });
    return {
      headers: { 'content-disposition': `attachment; filename="${input.run_id}.zip"` },
      body: new File([new Uint8Array(zip)], `${input.run_id}.zip`, { type: 'application/zip' }),
    };
  },
});
