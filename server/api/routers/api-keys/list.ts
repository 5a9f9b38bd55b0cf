import { z } from 'zod';
import { listApiKeys } from '@/server/core/api-keys/list-api-keys';
import { authedProcedure } from '@/server/api/trpc';
import { apiKeyOutput } from './api-key-output';

/** The caller's keys; an admin sees every key on the server. */
export const list = authedProcedure
  .input(z.void())
  .output(z.array(apiKeyOutput))
  .query(({ ctx }) => listApiKeys(ctx.services, ctx.principal, { all: true }));
