import { z } from 'zod';
import { usageSummary } from '@/server/core/usage/usage-summary';
import { router, scopedProcedure } from '@/server/api/trpc';

const row = z.object({ calls: z.number(), input_tokens: z.number(), output_tokens: z.number(), cost_usd: z.number() });

export const usageRouter = router({
  summary: scopedProcedure('backends:read')
    .input(z.object({ hours: z.number().int().min(1).max(24 * 90).default(24) }).default({ hours: 24 }))
    .output(z.object({ from: z.string(), to: z.string(), rows: z.array(row.extend({ provider: z.string(), model: z.string() })), totals: row }))
    .query(({ ctx, input }) => {
      const to = new Date(Date.now() + 1000);
      return usageSummary(ctx.services.db, new Date(to.getTime() - input.hours * 3_600_000), to);
    }),
});
