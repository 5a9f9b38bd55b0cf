import { z } from 'zod';
import { AppError } from '@/server/core/shared/errors';
import * as users from '@/server/core/users';
import { sessionCookie } from '@/server/api/dialects/shared/session-cookie';
import { publicProcedure } from '@/server/api/trpc';

const TOKEN_COOKIE_SECONDS = 60 * 60 * 12;

/**
 * Signs the dashboard in with a pasted admin token or API key: the credential is checked, then kept
 * in the HttpOnly cookie so page scripts never hold it.
 */
export const signInWithToken = publicProcedure
  .input(z.object({ token: z.string().trim().min(1).max(4096) }))
  .output(users.principalSchema)
  .mutation(async ({ ctx, input }) => {
    const identified = await users.identifyToken(ctx.services, { token: input.token });
    if (!ctx.setCookie) throw new AppError('BAD_REQUEST', 'token sign-in needs the dashboard endpoint');
    ctx.setCookie(sessionCookie(ctx.services, input.token, TOKEN_COOKIE_SECONDS));
    return identified;
  });
