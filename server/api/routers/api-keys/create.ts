import { z } from 'zod';
import { SCOPES } from '@/server/auth/scopes';
import * as apiKeys from '@/server/core/api-keys';
import { scopedProcedure } from '@/server/api/trpc';

/** Users, the admin, and keys given `keys:write` manage keys; a key never mints one beyond itself. */
export const create = scopedProcedure('keys:write')
  .input(
    z.object({
      name: z.string().trim().min(1).max(200),
      scopes: z.array(z.enum(SCOPES)).min(1, 'pick at least one scope'),
      expiresAt: z.iso.datetime({ offset: true }).optional(),
    }),
  )
  .output(apiKeys.createdApiKeySchema)
  .mutation(({ ctx, input }) =>
    apiKeys.createApiKey(ctx.services, ctx.principal, {
      name: input.name,
      scopes: input.scopes,
      expiresAt: input.expiresAt,
    }),
  );
