import type { Services } from '@/server/services';

export interface AuthConfig {
  mode: 'full' | 'none';
  password_auth_enabled: boolean;
  oauth_providers: Array<{ id: string; name: string }>;
  signup_enabled: boolean;
}

export function authConfig(services: Services): AuthConfig {
  return {
    mode: services.env.authDisabled ? 'none' : 'full',
    password_auth_enabled: true,
    oauth_providers: services.env.oauthProviders.map((p) => ({ id: p.id, name: p.name })),
    signup_enabled: services.env.signupEnabled,
  };
}
