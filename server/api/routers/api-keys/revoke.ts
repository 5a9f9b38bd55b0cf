import { z } from 'zod';
import { deleteApiKey } from '@/server/core/api-keys/delete-api-key';
import { authedProcedure } from '@/server/api/trpc';

export const revoke = authedProcedure
  .input(z.object({ id: z.string().min(1) }))
  .output(z.object({ id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await deleteApiKey(ctx.services, ctx.principal, input.id, { any: true });
    return { id: input.id };
  });
