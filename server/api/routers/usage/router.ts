/** The usage ledger for the dashboard and SDK. */
import { z } from 'zod';
import * as usage from '@/server/core/usage';
import { router, scopedProcedure } from '@/server/api/trpc';

export const usageRouter = router({
  summary: scopedProcedure('backends:read')
    // `owner_id` narrows the admin's view to one owner; everyone else only ever sees their own.
    .input(z.object({ hours: z.number().int().min(1).max(24 * 90).default(24), owner_id: z.string().min(1).optional() }).default({ hours: 24 }))
    .output(usage.usageSummarySchema)
    .query(({ ctx, input }) => usage.usageSummary(ctx.services, ctx.principal, { hours: input.hours, ownerId: input.owner_id })),
  // Tokens and cost per UTC day, backend, model (and owner, for the admin), and today's quotas: the Usage page.
  report: scopedProcedure('backends:read')
    .input(usage.usageReportInputSchema)
    .output(usage.usageReportSchema)
    .query(({ ctx, input }) => usage.usageReport(ctx.services, ctx.principal, input)),
});
