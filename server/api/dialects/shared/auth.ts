/**
 * The `/api/auth/*` endpoints Autopack and Everruns share, declared once. Each dialect (and the
 * root) takes its own copy under its tag — `export const { login, me } = authEndpoints('everruns', …)` —
 * and exports the ones its document lists.
 */
import * as users from '@/server/core/users';
import type { Services } from '@/server/services';
import { endpoint } from '../endpoint';
import { OK, ok } from '../schemas';
import { expiredCookies, sessionCookie } from './session-cookie';
import { loginInput, registeredUser, registerInput, tokenResponse, withCookie } from './shapes';

function withSessionCookie<T extends object>(deps: Services, issued: users.IssuedSession, body: T) {
  return { headers: { 'set-cookie': sessionCookie(deps, issued.access_token, issued.expires_in) }, body };
}

export function authEndpoints(dialect: string, opts: { tokenType: 'bearer' | 'Bearer' }) {
  return {
    register: endpoint({
      dialect,
      method: 'POST',
      path: '/api/auth/register',
      scope: 'public',
      status: 201,
      transport: 'detailed',
      summary: 'Register with email (and optional username) and password; signs the user in',
      input: registerInput,
      output: withCookie(registeredUser),
      handler: async ({ deps, input }) => {
        const issued = await users.registerUser(deps, {
          email: input.email,
          password: input.password,
          name: input.name ?? input.full_name,
          username: input.username,
        });
        return withSessionCookie(deps, issued, { ...issued.user, ...issued, token_type: opts.tokenType });
      },
    }),

    login: endpoint({
      dialect,
      method: 'POST',
      path: '/api/auth/login',
      scope: 'public',
      transport: 'detailed',
      summary: 'Log in with email or username and password',
      input: loginInput,
      output: withCookie(tokenResponse),
      handler: async ({ deps, input }) => {
        const issued = await users.logIn(deps, { login: (input.email ?? input.username)!, password: input.password });
        return withSessionCookie(deps, issued, { ...issued, token_type: opts.tokenType });
      },
    }),

    me: endpoint({
      dialect,
      method: 'GET',
      path: '/api/auth/me',
      scope: 'authed',
      summary: 'Who the credential acts for (a key describes its owner), with the credential\u2019s scopes',
      output: users.principalSchema,
      handler: ({ deps, principal }) => users.describePrincipal(deps, principal),
    }),

    logout: endpoint({
      dialect,
      method: 'POST',
      path: '/api/auth/logout',
      scope: 'public',
      transport: 'detailed',
      summary: 'End the session and clear its cookies',
      output: withCookie(ok),
      handler: async ({ deps, principal }) => {
        await users.logOut(deps, principal);
        return { headers: { 'set-cookie': expiredCookies() }, body: OK };
      },
    }),

    authConfig: endpoint({
      dialect,
      method: 'GET',
      path: '/api/auth/config',
      scope: 'public',
      summary: 'Which sign-in methods are enabled',
      output: users.authConfigSchema,
      handler: ({ deps }) => users.authConfig(deps),
    }),
  };
}
