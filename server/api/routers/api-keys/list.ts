import { z } from 'zod';
import * as apiKeys from '@/server/core/api-keys';
import { scopedProcedure } from '@/server/api/trpc';

/** The caller's keys; an admin sees every key on the server. */
export const list = scopedProcedure('keys:write')
  .input(z.void())
  .output(z.array(apiKeys.apiKeySchema))
  .query(({ ctx }) => apiKeys.listApiKeys(ctx.services, ctx.principal, { all: true }));
