import { z } from 'zod';
import * as users from '@/server/core/users';
import { publicProcedure } from '@/server/api/trpc';

export const config = publicProcedure
  .input(z.void())
  .output(users.authConfigSchema)
  .query(({ ctx }) => users.authConfig(ctx.services));
