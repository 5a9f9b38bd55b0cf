import { z } from 'zod';
import * as apiKeys from '@/server/core/api-keys';
import { scopedProcedure } from '@/server/api/trpc';

export const revoke = scopedProcedure('keys:write')
  .input(z.object({ id: z.string().min(1) }))
  .output(z.object({ id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await apiKeys.deleteApiKey(ctx.services, ctx.principal, { id: input.id, any: true });
    return { id: input.id };
  });
