import type { Services } from '@/server/services';
import { viaBetterAuth } from './better-auth-errors';

/**
 * Begins an OAuth sign-in with an enabled provider: the provider's authorization URL, and the
 * state cookies better-auth checks when the callback returns. Undefined for a provider that is not
 * configured. `redirect` must be a same-site path (no open redirects).
 */
export async function startOAuth(services: Services, providerId: string, redirect?: string): Promise<{ url: string; cookies: string[] } | undefined> {
  const provider = services.env.oauthProviders.find((p) => p.id === providerId);
  if (!provider) return undefined;
  const callbackURL = redirect && redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
  // The generic-OAuth endpoint exists only when OIDC is configured, so its type is not always known.
  type Started = { headers: Headers; response: unknown };
  const api = services.auth.api as unknown as {
    signInWithOAuth2(opts: { body: { providerId: string; callbackURL: string }; returnHeaders: true }): Promise<Started>;
    signInSocial(opts: { body: { provider: string; callbackURL: string }; returnHeaders: true }): Promise<Started>;
  };
  const { headers, response } = await viaBetterAuth(() =>
    provider.id === 'oidc'
      ? api.signInWithOAuth2({ body: { providerId: 'oidc', callbackURL }, returnHeaders: true })
      : api.signInSocial({ body: { provider: provider.id, callbackURL }, returnHeaders: true }),
  );
  const url = (response as { url?: string }).url;
  if (!url) return undefined;
  return { url, cookies: headers.getSetCookie() };
}
