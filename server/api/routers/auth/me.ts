import { z } from 'zod';
import { describePrincipal } from '@/server/core/users/describe-principal';
import { publicProcedure } from '@/server/api/trpc';

export const meOutput = z
  .object({
    id: z.string(),
    kind: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    username: z.string().nullable(),
    role: z.string(),
    is_superuser: z.boolean(),
    scopes: z.array(z.string()),
    created_at: z.string().nullable(),
  })
  .nullable();

/** Who the dashboard is signed in as; null when it is not (the sign-in page asks this first). */
export const me = publicProcedure
  .input(z.void())
  .output(meOutput)
  .query(async ({ ctx }) => {
    const principal = await ctx.principal();
    return principal ? describePrincipal(ctx.services, principal) : null;
  });
