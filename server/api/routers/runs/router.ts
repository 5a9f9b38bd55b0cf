/** Runs for the dashboard and SDK: canonical shapes (server/core/runs/run-dto.ts). */
import { z } from 'zod';
import { cancelRun } from '@/server/core/runs/cancel-run';
import { createRun } from '@/server/core/runs/create-run';
import { getRun, listRuns } from '@/server/core/runs/get-run';
import { readEvents } from '@/server/core/events/read-events';
import { runStream } from '@/server/core/events/streams';
import { router, scopedProcedure } from '@/server/api/trpc';
import { policyFromProfile } from '@/server/core/work/policy';
import { badRequest } from '@/server/core/shared/errors';
import { eventOutput, runOutput, toEventOutput } from '../work-outputs';

export const runsRouter = router({
  list: scopedProcedure('runs:read')
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0) }).default({ limit: 50, offset: 0 }))
    .output(z.object({ runs: z.array(runOutput), total: z.number() }))
    .query(({ ctx, input }) => listRuns(ctx.services.db, input)),
  get: scopedProcedure('runs:read')
    .input(z.object({ id: z.string() }))
    .output(runOutput)
    .query(({ ctx, input }) => getRun(ctx.services.db, input.id)),
  events: scopedProcedure('runs:read')
    .input(z.object({ id: z.string(), fromSeq: z.number().int().min(1).default(1) }))
    .output(z.array(eventOutput))
    .query(async ({ ctx, input }) => {
      await getRun(ctx.services.db, input.id);
      return (await readEvents(ctx.services.db, runStream(input.id), input.fromSeq, 1000)).map(toEventOutput);
    }),
  create: scopedProcedure('runs:submit')
    .input(z.object({ workspacePath: z.string().min(1), prompt: z.string().optional(), specPath: z.string().optional(), model: z.string().optional(), profile: z.string().optional() }))
    .output(runOutput)
    .mutation(({ ctx, input }) => {
      const policy = policyFromProfile(input.profile);
      if (input.profile && !policy) throw badRequest('unknown profile', 'profile');
      return createRun(ctx.services, ctx.principal, { ...input, policy, origin: 'dashboard' });
    }),
  cancel: scopedProcedure('runs:cancel')
    .input(z.object({ id: z.string() }))
    .output(z.object({ status: z.string() }))
    .mutation(({ ctx, input }) => cancelRun(ctx.services, input.id)),
});
