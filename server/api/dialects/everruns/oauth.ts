/** OAuth sign-in: sends the browser to the provider; better-auth's `/api/auth/callback/{provider}` finishes it. */
import { z } from 'zod';
import * as users from '@/server/core/users';
import { endpoint } from '../endpoint';

export const oauthRedirect = endpoint({
  dialect: 'everruns',
  method: 'GET',
  path: '/api/auth/oauth/{provider}',
  scope: 'public',
  transport: 'detailed',
  summary: 'Redirect to an enabled OAuth provider',
  input: z.object({ provider: z.string().min(1), redirect: z.string().optional() }),
  // The literal status documents the redirect and sets it on the response.
  output: z.object({ status: z.literal(302), headers: z.object({ location: z.string(), 'set-cookie': z.array(z.string()) }) }),
  handler: async ({ deps, input }) => {
    const started = await users.startOAuth(deps, { provider: input.provider, redirect: input.redirect });
    return { status: 302 as const, headers: { location: started.url, 'set-cookie': started.cookies } };
  },
});
