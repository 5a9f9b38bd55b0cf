import { notFound } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { viaBetterAuth } from './better-auth-errors';

export interface StartOAuthInput {
  provider: string;
  /** Where the browser lands after signing in: a same-site path only (no open redirects). */
  redirect?: string;
}

export interface StartedOAuth {
  /** The provider's authorization URL. */
  url: string;
  /** The state cookies better-auth checks when the provider's callback returns. */
  cookies: string[];
}

/** Begins an OAuth sign-in with an enabled provider; one that is not configured is 404. */
export async function startOAuth(deps: Pick<Services, 'auth' | 'env'>, input: StartOAuthInput): Promise<StartedOAuth> {
  const provider = deps.env.oauthProviders.find((p) => p.id === input.provider);
  if (!provider) throw notFound(`OAuth provider "${input.provider}"`, 'PROVIDER_NOT_FOUND');
  const redirect = input.redirect;
  const callbackURL = redirect && redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
  // better-auth registers generic (OIDC) providers as social providers: one entry point for all.
  const { headers, response } = await viaBetterAuth(() =>
    deps.auth.api.signInSocial({ body: { provider: provider.id, callbackURL }, returnHeaders: true }),
  );
  const url = (response as { url?: string }).url;
  if (!url) throw notFound(`OAuth provider "${input.provider}"`, 'PROVIDER_NOT_FOUND');
  return { url, cookies: headers.getSetCookie() };
}
