import { z } from 'zod';
import { SCOPES } from '@/server/auth/scopes';
import { createApiKey } from '@/server/core/api-keys/create-api-key';
import { authedProcedure } from '@/server/api/trpc';
import { apiKeyOutput } from './api-key-output';

export const create = authedProcedure
  .input(
    z.object({
      name: z.string().trim().min(1).max(200),
      scopes: z.array(z.enum(SCOPES)).min(1, 'pick at least one scope'),
      expiresAt: z.iso.datetime({ offset: true }).optional(),
    }),
  )
  .output(apiKeyOutput.extend({ key: z.string() }))
  .mutation(({ ctx, input }) =>
    createApiKey(ctx.services, ctx.principal, {
      name: input.name,
      scopes: input.scopes,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : undefined,
    }),
  );
