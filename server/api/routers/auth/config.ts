import { z } from 'zod';
import { authConfig } from '@/server/core/users/auth-config';
import { publicProcedure } from '@/server/api/trpc';

export const authConfigOutput = z.object({
  mode: z.enum(['full', 'none']),
  password_auth_enabled: z.boolean(),
  oauth_providers: z.array(z.object({ id: z.string(), name: z.string() })),
  signup_enabled: z.boolean(),
});

export const config = publicProcedure
  .input(z.void())
  .output(authConfigOutput)
  .query(({ ctx }) => authConfig(ctx.services));
