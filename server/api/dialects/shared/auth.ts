/**
 * The `/api/auth/*` endpoints Autopack and Everruns share. Each dialect mounts the same procedures
 * under its tag; the root serves them once with the union of both documented shapes.
 */
import { z } from 'zod';
import { authConfig } from '@/server/core/users/auth-config';
import { describePrincipal } from '@/server/core/users/describe-principal';
import { logIn } from '@/server/core/users/log-in';
import { logOut } from '@/server/core/users/log-out';
import { registerUser } from '@/server/core/users/register-user';
import type { IssuedSession } from '@/server/core/users/issue-session';
import type { Services } from '@/server/services';
import { authedProcedure, publicProcedure } from '@/server/api/trpc';
import { badRequest } from '@/server/core/shared/errors';
import { authConfigOutput } from '../../routers/auth/config';
import { rest } from '../rest-meta';
import { expiredCookies, sessionCookie } from './session-cookie';

const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  username: z.string().nullable(),
  role: z.string(),
  is_superuser: z.boolean(),
  scopes: z.array(z.string()),
  created_at: z.string(),
});

const tokenSchema = z.object({
  access_token: z.string(),
  token_type: z.string(),
  expires_in: z.number().int(),
  expires_at: z.string(),
  user: userSchema,
});

const principalSchema = userSchema.extend({
  kind: z.string(),
  email: z.string().nullable(),
  created_at: z.string().nullable(),
});

const withCookie = <T extends z.ZodType>(body: T) =>
  z.object({ headers: z.object({ 'set-cookie': z.union([z.string(), z.array(z.string())]) }), body });

function withSessionCookie<T extends object>(services: Services, issued: IssuedSession, body: T) {
  return { headers: { 'set-cookie': sessionCookie(services, issued.access_token, issued.expires_in) }, body };
}

const registerInput = z
  .object({
    email: z.string().trim().email().max(320),
    password: z.string().min(1).max(256),
    name: z.string().trim().min(1).max(200).optional(),
    username: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{2,64}$/, 'letters, digits, _ . - (2 to 64)')
      .optional(),
    full_name: z.string().trim().max(200).optional(),
  })
  .passthrough();

export function registerProcedure(tag: string, opts: { status: number; tokenType: string }) {
  return publicProcedure
    .meta(rest(tag, 'POST', '/api/auth/register', { status: opts.status, output: 'detailed', summary: 'Register with email (and optional username) and password; signs the user in' }))
    .input(registerInput)
    .output(withCookie(userSchema.extend(tokenSchema.shape)))
    .mutation(async ({ ctx, input }) => {
      const issued = await registerUser(ctx.services, {
        email: input.email,
        password: input.password,
        name: input.name ?? input.full_name,
        username: input.username,
      });
      return withSessionCookie(ctx.services, issued, { ...issued.user, ...issued, token_type: opts.tokenType });
    });
}

// JSON `{email|username, password}`, or FastAPI's OAuth2 form (`username`, `password`, urlencoded).
const loginInput = z
  .object({
    email: z.string().trim().min(1).optional(),
    username: z.string().trim().min(1).optional(),
    password: z.string().min(1, 'is required'),
  })
  .passthrough();

export function loginProcedure(tag: string, opts: { tokenType: string }) {
  return publicProcedure
    .meta(rest(tag, 'POST', '/api/auth/login', { output: 'detailed', summary: 'Log in with email or username and password' }))
    .input(loginInput)
    .output(withCookie(tokenSchema))
    .mutation(async ({ ctx, input }) => {
      const login = input.email ?? input.username;
      if (!login) throw badRequest('email or username is required', 'email');
      const issued = await logIn(ctx.services, { login, password: input.password });
      return withSessionCookie(ctx.services, issued, { ...issued, token_type: opts.tokenType });
    });
}

export function meProcedure(tag: string) {
  return authedProcedure
    .meta(rest(tag, 'GET', '/api/auth/me', { summary: 'The signed-in user, or the token or key in use' }))
    .input(z.object({}).passthrough().optional())
    .output(principalSchema)
    .query(({ ctx }) => describePrincipal(ctx.services, ctx.principal));
}

export function logoutProcedure(tag: string) {
  return publicProcedure
    .meta(rest(tag, 'POST', '/api/auth/logout', { output: 'detailed', summary: 'End the session and clear its cookies' }))
    .input(z.object({}).passthrough().optional())
    .output(withCookie(z.object({ ok: z.literal(true) })))
    .mutation(async ({ ctx }) => {
      await logOut(ctx.services, await ctx.principal());
      return { headers: { 'set-cookie': expiredCookies() }, body: { ok: true as const } };
    });
}

export function authConfigProcedure(tag: string) {
  return publicProcedure
    .meta(rest(tag, 'GET', '/api/auth/config', { summary: 'Which sign-in methods are enabled' }))
    .input(z.object({}).passthrough().optional())
    .output(authConfigOutput)
    .query(({ ctx }) => authConfig(ctx.services));
}
