/**
 * better-auth owns users, passwords, sessions, OAuth sign-in and API-key hashing. Switchboard calls
 * its server API from the dialect endpoints; the rest of better-auth's own routes (OAuth callbacks,
 * get-session, sign-out) are mounted under /api/auth for the dashboard.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { apiKey } from '@better-auth/api-key';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { genericOAuth, username } from 'better-auth/plugins';
import * as schema from '@/db/schema';
import type { Db } from '@/db/client';
import type { Env } from '@/server/env';

export const API_KEY_PREFIX = 'sb_';

function loadSecret(env: Env): string {
  if (env.authSecret) return env.authSecret;
  const file = path.join(env.dataDir, 'auth-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function createAuth(db: Db, env: Env) {
  const social = Object.fromEntries(
    env.oauthProviders
      .filter((p) => p.id !== 'oidc')
      .map((p) => [p.id, { clientId: p.clientId, clientSecret: p.clientSecret }]),
  );
  const oidc = env.oauthProviders.find((p) => p.id === 'oidc');

  return betterAuth({
    appName: 'Switchboard',
    // Refused keys and wrong passwords are ordinary answers here, not errors worth a log line.
    logger: { disabled: env.logLevel !== 'debug', level: 'debug' },
    baseURL: env.publicUrl,
    basePath: '/api/auth',
    secret: loadSecret(env),
    database: drizzleAdapter(db, { provider: 'pg', schema }),
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
    // Switchboard applies its own per-dialect limits; better-auth's in-memory limiter would not be
    // shared between processes anyway.
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: 'switchboard',
      useSecureCookies: env.publicUrl.startsWith('https://'),
    },
    plugins: [
      username({ minUsernameLength: 2, maxUsernameLength: 64 }),
      apiKey({
        defaultPrefix: API_KEY_PREFIX,
        defaultKeyLength: 40,
        enableMetadata: true,
        rateLimit: { enabled: false },
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
                },
              ],
            }),
          ]
        : []),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
