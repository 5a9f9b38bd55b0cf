/** Runs for the dashboard and SDK: the canonical shapes of server/core/runs. */
import { z } from 'zod';
import { storedEventDtoSchema } from '@/server/core/events/event-dto';
import * as runs from '@/server/core/runs';
import { RUN_STATUSES } from '@/server/core/work/status';
import { router, scopedProcedure } from '@/server/api/trpc';
import { listFiltersInput } from '../shared/list-filters';

const listFilters = listFiltersInput(RUN_STATUSES);
const byId = z.object({ id: z.string() });

export const runsRouter = router({
  list: scopedProcedure('runs:read')
    .input(listFilters)
    .output(runs.runListPageSchema)
    .query(({ ctx, input }) => runs.listRuns(ctx.services, ctx.principal, input)),
  get: scopedProcedure('runs:read')
    .input(byId)
    .output(runs.runDtoSchema)
    .query(({ ctx, input }) => runs.getRun(ctx.services, ctx.principal, input)),
  usage: scopedProcedure('runs:read').input(byId).output(runs.runUsageSchema).query(({ ctx, input }) => runs.getRunUsage(ctx.services, ctx.principal, input)),
  events: scopedProcedure('runs:read')
    .input(byId.extend({ fromSeq: z.number().int().min(1).default(1) }))
    .output(z.array(storedEventDtoSchema))
    .query(({ ctx, input }) => runs.readRunEvents(ctx.services, ctx.principal, input)),
  create: scopedProcedure('runs:submit')
    .input(z.object({ workspacePath: z.string().min(1), prompt: z.string().optional(), specPath: z.string().optional(), model: z.string().optional(), profile: z.string().optional() }))
    .output(runs.runDtoSchema)
    .mutation(({ ctx, input }) => runs.createRun(ctx.services, ctx.principal, { ...input, origin: 'dashboard' })),
  cancel: scopedProcedure('runs:cancel')
    .input(byId)
    .output(runs.cancelRunResultSchema)
    .mutation(({ ctx, input }) => runs.cancelRun(ctx.services, ctx.principal, input)),
});
