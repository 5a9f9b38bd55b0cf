import { z } from 'zod';
import { decideApproval } from '@/server/core/approvals/decide-approval';
import { runStream } from '@/server/core/events/streams';
import { cancelRun } from '@/server/core/runs/cancel-run';
import { createRun } from '@/server/core/runs/create-run';
import { exportRun } from '@/server/core/runs/export-run';
import { getRun, listRuns } from '@/server/core/runs/get-run';
import { RUN_TERMINAL_EVENTS } from '@/server/core/work/status';
import { resolveCursor, sseStream } from '@/server/stream/sse';
import { scopedProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';
import { agentdRun, toAgentdRun, toAgentdRunEvent } from './shapes';

const ok = z.object({ ok: z.literal(true) });
const runId = z.object({ run_id: z.string().min(1) });

export const createRunProcedure = scopedProcedure('runs:submit')
  .meta(rest('agentd', 'POST', '/v1/runs', { summary: 'Create and start a run from a spec file (or a prompt)' }))
  .input(
    z.object({
      workspace_path: z.string().min(1),
      spec_path: z.string().min(1).optional(),
      prompt: z.string().optional(),
      model: z.string().optional(),
    }),
  )
  .output(z.object({ run_id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const run = await createRun(ctx.services, ctx.principal, {
      workspacePath: input.workspace_path,
      specPath: input.spec_path,
      prompt: input.prompt,
      model: input.model,
      origin: 'agentd',
    });
    return { run_id: run.id };
  });

export const listRunsProcedure = scopedProcedure('runs:read')
  .meta(rest('agentd', 'GET', '/v1/runs', { summary: 'Runs, most recent first' }))
  .input(z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), offset: z.coerce.number().int().min(0).optional() }).optional())
  .output(z.array(agentdRun))
  .query(async ({ ctx, input }) => (await listRuns(ctx.services.db, { limit: input?.limit ?? 100, offset: input?.offset })).runs.map(toAgentdRun));

export const getRunProcedure = scopedProcedure('runs:read')
  .meta(rest('agentd', 'GET', '/v1/runs/{run_id}', { summary: 'A run with its steps' }))
  .input(runId)
  .output(agentdRun)
  .query(async ({ ctx, input }) => toAgentdRun(await getRun(ctx.services.db, input.run_id)));

export const runEventsProcedure = scopedProcedure('runs:read', { stream: true })
  .meta(
    rest('agentd', 'GET', '/v1/runs/{run_id}/events', {
      sse: true,
      summary: 'Server-Sent Events of the run (`event: message`, `id: <seq>`); resumes from Last-Event-ID or ?from_seq= (inclusive); ends after the terminal event',
    }),
  )
  .input(runId.extend({ from_seq: z.string().optional(), access_token: z.string().optional(), token: z.string().optional() }))
  .query(async ({ ctx, input }) => {
    await getRun(ctx.services.db, input.run_id);
    return sseStream({
      streamId: runStream(input.run_id),
      fromSeq: resolveCursor(ctx.headers, input.from_seq),
      frame: (e) => ({ event: 'message', data: toAgentdRunEvent(input.run_id, e) }),
      shape: 'agentd',
      closeAfter: (e) => RUN_TERMINAL_EVENTS.has(e.type),
    });
  });

export const approveRunStepProcedure = scopedProcedure('runs:submit')
  .meta(rest('agentd', 'POST', '/v1/runs/{run_id}/approve', { summary: 'Approve (or deny) a gated step' }))
  .input(runId.extend({ step_id: z.string().min(1), action: z.enum(['approve', 'deny']).optional(), reason: z.string().optional() }))
  .output(ok)
  .mutation(async ({ ctx, input }) => {
    await getRun(ctx.services.db, input.run_id);
    await decideApproval(ctx.services, ctx.principal, { runId: input.run_id, stepId: input.step_id }, { approve: input.action !== 'deny', reason: input.reason });
    return { ok: true as const };
  });

export const cancelRunProcedure = scopedProcedure('runs:cancel')
  .meta(rest('agentd', 'POST', '/v1/runs/{run_id}/cancel', { summary: 'Cancel a run' }))
  .input(runId)
  .output(ok)
  .mutation(async ({ ctx, input }) => {
    await cancelRun(ctx.services, input.run_id);
    return { ok: true as const };
  });

export const exportRunProcedure = scopedProcedure('runs:read')
  .meta(rest('agentd', 'GET', '/v1/runs/{run_id}/export', { output: 'detailed', download: 'application/zip', summary: 'The run as a zip: run.json, events.ndjson, artifacts/' }))
  .input(runId)
  .output(z.object({ headers: z.record(z.string(), z.string()), body: z.instanceof(Blob) }))
  .query(async ({ ctx, input }) => {
    const zip = await exportRun(ctx.services, input.run_id, { run: toAgentdRun, event: (e) => toAgentdRunEvent(input.run_id, e) });
    return {
      headers: { 'content-disposition': `attachment; filename="${input.run_id}.zip"` },
      body: new File([new Uint8Array(zip)], `${input.run_id}.zip`, { type: 'application/zip' }),
    };
  });
