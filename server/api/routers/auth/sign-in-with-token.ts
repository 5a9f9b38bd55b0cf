import { z } from 'zod';
import { resolvePrincipal } from '@/server/auth/resolve';
import { AppError, unauthorized } from '@/server/core/shared/errors';
import { describePrincipal } from '@/server/core/users/describe-principal';
import { sessionCookie } from '@/server/api/dialects/shared/session-cookie';
import { publicProcedure } from '@/server/api/trpc';
import { meOutput } from './me';

const TOKEN_COOKIE_SECONDS = 60 * 60 * 12;

/**
 * Signs the dashboard in with a pasted admin token or API key: the credential is checked, then kept
 * in the HttpOnly cookie so page scripts never hold it.
 */
export const signInWithToken = publicProcedure
  .input(z.object({ token: z.string().trim().min(1).max(4096) }))
  .output(meOutput.unwrap())
  .mutation(async ({ ctx, input }) => {
    const principal = await resolvePrincipal(ctx.services, {
      headers: new Headers({ authorization: `Bearer ${input.token}` }),
      url: ctx.url,
      allowQueryToken: false,
    });
    if (!principal) throw unauthorized('that token is not valid');
    if (!ctx.setCookie) throw new AppError('BAD_REQUEST', 'token sign-in needs the dashboard endpoint');
    ctx.setCookie(sessionCookie(ctx.services, input.token, TOKEN_COOKIE_SECONDS));
    return describePrincipal(ctx.services, principal);
  });
