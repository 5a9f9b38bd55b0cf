/**
 * better-auth owns users, passwords, sessions, OAuth sign-in and API-key hashing. Switchboard calls
 * its server API from the dialect endpoints; the rest of better-auth's own routes (OAuth callbacks,
 * get-session, sign-out) are mounted under /api/auth for the dashboard.
 */
import { apiKey } from '@better-auth/api-key';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { genericOAuth, username } from 'better-auth/plugins';
import * as schema from '@/db/schema';
import type { Db } from '@/db/client';
import type { Env } from '@/server/env';
import { recordAudit } from '@/server/core/audit/record-audit';
import { hashSessionTokens } from './hashed-sessions';
import type { Secrets } from './secrets';

export const API_KEY_PREFIX = 'sb_';

const BETTER_AUTH_KEY_ROUTES = ['/api-key/create', '/api-key/delete', '/api-key/get', '/api-key/list', '/api-key/update'];

export function createAuth(db: Db, env: Env, secrets: Secrets) {
  const social = Object.fromEntries(
    env.oauthProviders
      .filter((p) => p.id !== 'oidc')
      .map((p) => [p.id, { clientId: p.clientId, clientSecret: p.clientSecret, disableSignUp: !env.signupEnabled }]),
  );
  const oidc = env.oauthProviders.find((p) => p.id === 'oidc');

  return betterAuth({
    appName: 'Switchboard',
    // Refused keys and wrong passwords are ordinary answers here, not errors worth a log line.
    logger: { disabled: env.logLevel !== 'debug', level: 'debug' },
    baseURL: env.publicUrl,
    basePath: '/api/auth',
    secret: secrets.authSecret,
    // The session table keeps token hashes only; the raw token lives in the client's cookie or header.
    database: hashSessionTokens(drizzleAdapter(db, { provider: 'pg', schema }), secrets.hashToken),
    // Access and refresh tokens from OAuth providers are stored encrypted, never as issued.
    account: { encryptOAuthTokens: true },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 256,
      disableSignUp: !env.signupEnabled,
    },
    socialProviders: social,
    user: {
      additionalFields: {
        role: { type: 'string', required: false, defaultValue: 'user', input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    databaseHooks: {
      session: {
        create: {
          // Every better-auth sign-in (password, sign-up, an OAuth callback) creates a session: one
          // place to record them all.
          after: async (session, ctx) => {
            const method = signInMethod(ctx?.path);
            const actor = { kind: 'user' as const, id: session.userId, ownerId: session.userId };
            await recordAudit(db, actor, method === 'register' ? 'auth.registered' : 'auth.signed_in', { kind: 'session', id: session.id, detail: { method } });
          },
        },
      },
    },
    // Switchboard applies its own per-dialect limits; better-auth's in-memory limiter would not be
    // shared between processes anyway.
    rateLimit: { enabled: false },
    // Keys are managed through Switchboard's own routes only: they audit, cap scopes and expiry, and
    // announce a revocation to every process (whose credential caches must forget the key at once).
    // better-auth's copies of those routes would bypass all of that, so they are not served.
    disabledPaths: BETTER_AUTH_KEY_ROUTES,
    advanced: {
      cookiePrefix: 'switchboard',
      useSecureCookies: env.publicUrl.startsWith('https://'),
    },
    plugins: [
      username({ minUsernameLength: 2, maxUsernameLength: 64 }),
      apiKey({
        defaultPrefix: API_KEY_PREFIX,
        defaultKeyLength: 40,
        // The API takes names of up to 200 characters; the plugin's own limit of 32 would turn a longer one into a 500.
        maximumNameLength: 200,
        enableMetadata: true,
        rateLimit: { enabled: false },
        // Switchboard checks a key's expiry itself (in the future, at most a year ahead, never past
        // the creating key's); better-auth's own floor of a day would turn a shorter one into a 500.
        keyExpiration: { minExpiresIn: 0, maxExpiresIn: 365 },
        startingCharactersConfig: { shouldStore: true, charactersLength: 8 },
      }),
      ...(oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: 'oidc',
                  clientId: oidc.clientId,
                  clientSecret: oidc.clientSecret,
                  discoveryUrl: `${oidc.issuer!.replace(/\/$/, '')}/.well-known/openid-configuration`,
                  scopes: ['openid', 'email', 'profile'],
                  pkce: true,
                  // A closed server lets no one in by signing in with a new OIDC identity either.
                  disableSignUp: !env.signupEnabled,
                },
              ],
            }),
          ]
        : []),
    ],
  });
}

function signInMethod(path: string | undefined): 'oauth' | 'register' | 'password' {
  if (path?.includes('callback')) return 'oauth';
  if (path?.includes('sign-up')) return 'register';
  return 'password';
}

export type Auth = ReturnType<typeof createAuth>;
