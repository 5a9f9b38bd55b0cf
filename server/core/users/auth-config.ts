import { z } from 'zod';
import type { Services } from '@/server/services';

export const authConfigSchema = z.object({
  mode: z.enum(['full', 'none']),
  password_auth_enabled: z.boolean(),
  oauth_providers: z.array(z.object({ id: z.string(), name: z.string() })),
  signup_enabled: z.boolean(),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

/** Which sign-in methods this server offers (public: the sign-in page asks before anyone is signed in). */
export function authConfig(deps: Pick<Services, 'env'>): AuthConfig {
  return {
    mode: deps.env.authDisabled ? 'none' : 'full',
    password_auth_enabled: true,
    oauth_providers: deps.env.oauthProviders.map((p) => ({ id: p.id, name: p.name })),
    signup_enabled: deps.env.signupEnabled,
  };
}
