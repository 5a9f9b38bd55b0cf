import { AppError } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { viaBetterAuth } from './better-auth-errors';
import { issueSession, type IssuedSession } from './issue-session';

export interface LoginInput {
  /** An email address or a username. */
  login: string;
  password: string;
}

export async function logIn(deps: Pick<Services, 'auth' | 'db' | 'env' | 'secrets'>, input: LoginInput): Promise<IssuedSession> {
  const login = input.login.trim();
  try {
    const result = login.includes('@')
      ? await viaBetterAuth(() => deps.auth.api.signInEmail({ body: { email: login.toLowerCase(), password: input.password } }))
      : await viaBetterAuth(() => deps.auth.api.signInUsername({ body: { username: login.toLowerCase(), password: input.password } }));
    if (!result) throw new AppError('UNAUTHORIZED', 'invalid credentials');
    return issueSession(deps, { userId: result.user.id, token: result.token });
  } catch (err) {
    // Whatever failed (unknown user, wrong password, malformed login), the caller learns only that it failed.
    if (err instanceof AppError && err.status < 500) throw new AppError('UNAUTHORIZED', 'invalid credentials');
    throw err;
  }
}
