import { z } from 'zod';
import { AppError } from '@/server/core/shared/errors';
import * as users from '@/server/core/users';
import { sessionCookie } from '@/server/api/dialects/shared/session-cookie';
import { publicProcedure } from '@/server/api/trpc';

/**
 * Signs the dashboard in with a pasted admin token or API key: the credential is checked, a
 * revocable server-side session is opened for it, and the HttpOnly cookie holds that session's
 * token — never the credential itself. Sign-out ends the session.
 */
export const signInWithToken = publicProcedure
  .input(z.object({ token: z.string().trim().min(1).max(4096) }))
  .output(users.principalSchema)
  .mutation(async ({ ctx, input }) => {
    if (!ctx.setCookie) throw new AppError('BAD_REQUEST', 'token sign-in needs the dashboard endpoint');
    const signedIn = await users.signInWithToken(ctx.services, { token: input.token });
    ctx.setCookie(sessionCookie(ctx.services, signedIn.sessionToken, signedIn.expiresInSeconds));
    return signedIn.principal;
  });
