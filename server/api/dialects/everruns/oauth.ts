import { z } from 'zod';
import { notFound } from '@/server/core/shared/errors';
import { startOAuth } from '@/server/core/users/start-oauth';
import { publicProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';

/** Sends the browser to the provider; better-auth's `/api/auth/callback/{provider}` finishes the sign-in. */
export const oauthRedirect = publicProcedure
  .meta(rest('everruns', 'GET', '/api/auth/oauth/{provider}', { status: 302, output: 'detailed', summary: 'Redirect to an enabled OAuth provider' }))
  .input(z.object({ provider: z.string().min(1), redirect: z.string().optional() }).passthrough())
  .output(z.object({ status: z.literal(302), headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])) }))
  .query(async ({ ctx, input }) => {
    const started = await startOAuth(ctx.services, input.provider, input.redirect);
    if (!started) throw notFound(`OAuth provider "${input.provider}"`, 'PROVIDER_NOT_FOUND');
    return { status: 302, headers: { location: started.url, 'set-cookie': started.cookies } };
  });
