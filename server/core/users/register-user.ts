import { eq, or } from 'drizzle-orm';
import { user } from '@/db/schema';
import { AppError, badRequest, conflict } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { viaBetterAuth } from './better-auth-errors';
import { issueSession, type IssuedSession } from './issue-session';

export interface RegisterInput {
  email: string;
  password: string;
  name?: string;
  username?: string;
}

/**
 * Creates a user with an email and password and signs them in, when sign-up is open
 * (SIGNUP_ENABLED). New users get SIGNUP_SCOPES (the workload scopes by default); nobody becomes
 * an admin by registering (the bootstrap token holder grants that), so an exposed
 * sign-up form cannot be raced for control of a fresh server.
 */
export async function registerUser(deps: Pick<Services, 'auth' | 'db' | 'env' | 'secrets'>, input: RegisterInput): Promise<IssuedSession> {
  if (!deps.env.signupEnabled) throw new AppError('FORBIDDEN', 'sign-up is disabled on this server');
  if (input.password.length < 8) throw badRequest('must be at least 8 characters', 'password');
  const email = input.email.trim().toLowerCase();
  const username = input.username?.trim().toLowerCase();
  const taken = await deps.db
    .select({ id: user.id })
    .from(user)
    .where(username ? or(eq(user.email, email), eq(user.username, username)) : eq(user.email, email))
    .limit(1);
  if (taken.length) throw conflict('a user with this email or username already exists', 'USER_EXISTS');

  const result = await viaBetterAuth(
    () =>
      deps.auth.api.signUpEmail({
        body: { email, password: input.password, name: input.name ?? username ?? email.split('@')[0]!, username },
      }),
    (message) => (/password/i.test(message) ? 'password' : /user ?name/i.test(message) ? 'username' : /email/i.test(message) ? 'email' : undefined),
  );
  return issueSession(deps, { userId: result.user.id, token: result.token });
}
