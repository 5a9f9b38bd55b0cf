import { z } from 'zod';
import * as users from '@/server/core/users';
import { publicProcedure } from '@/server/api/trpc';

/** Who the dashboard is signed in as; null when it is not (the sign-in page asks this first). */
export const me = publicProcedure
  .input(z.void())
  .output(users.principalSchema.nullable())
  .query(async ({ ctx }) => {
    const principal = await ctx.principal();
    return principal ? users.describePrincipal(ctx.services, principal) : null;
  });
