import { expiredCookies } from '@/server/api/dialects/shared/session-cookie';
import { ok } from '@/server/api/dialects/schemas';
import * as users from '@/server/core/users';
import { publicProcedure } from '@/server/api/trpc';
import { z } from 'zod';

/** Ends the dashboard's session on the server (the saved cookie opens nothing afterwards) and clears its cookies. */
export const signOut = publicProcedure
  .input(z.void())
  .output(ok)
  .mutation(async ({ ctx }) => {
    await users.logOut(ctx.services, await ctx.principal());
    for (const cookie of expiredCookies()) ctx.setCookie?.(cookie);
    return { ok: true as const };
  });
