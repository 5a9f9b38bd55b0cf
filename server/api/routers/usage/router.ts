/** The usage ledger for the dashboard and SDK. */
import { z } from 'zod';
import * as usage from '@/server/core/usage';
import { router, scopedProcedure } from '@/server/api/trpc';

export const usageRouter = router({
  summary: scopedProcedure('backends:read')
    .input(z.object({ hours: z.number().int().min(1).max(24 * 90).default(24) }).default({ hours: 24 }))
    .output(usage.usageSummarySchema)
    .query(({ ctx, input }) => usage.usageSummary(ctx.services, ctx.principal, { hours: input.hours })),
});
