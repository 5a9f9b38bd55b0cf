import type { AuthConfig } from '@/lib/types';

/**
 * One link per enabled OAuth provider. Plain links, not client navigation: the server answers with a
 * redirect to the provider, which must be a full page load.
 */
export function OAuthButtons({ providers }: { providers: AuthConfig['oauth_providers'] }) {
  if (providers.length === 0) return null;
  return (
    <section className="stack" aria-labelledby="oauth-heading">
      <h2 id="oauth-heading">Sign in with a provider</h2>
      <div className="oauth-list">
        {providers.map((provider) => (
          <a key={provider.id} className="button" href={`/api/auth/oauth/${encodeURIComponent(provider.id)}`}>
            Continue with {provider.name}
          </a>
        ))}
      </div>
    </section>
  );
}
