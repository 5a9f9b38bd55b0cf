import { eq } from 'drizzle-orm';
import { session, user } from '@/db/schema';
import { AppError } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { toUserDto, type UserDto } from './user-dto';

export interface IssuedSession {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: string;
  user: UserDto;
}

/**
 * Describes a session better-auth just created, in the token-response shape the dialects share. The
 * raw token goes to the client only; the session row holds its hash.
 */
export async function issueSession(deps: Pick<Services, 'db' | 'env' | 'secrets'>, created: { userId: string; token: string | null | undefined }): Promise<IssuedSession> {
  const { userId, token } = created;
  if (!token) throw new AppError('INTERNAL', 'no session was created');
  const rows = await deps.db
    .select({ user, expiresAt: session.expiresAt })
    .from(session)
    .innerJoin(user, eq(session.userId, user.id))
    .where(eq(session.token, deps.secrets.hashToken(token)))
    .limit(1);
  const row = rows[0];
  if (!row || row.user.id !== userId) throw new AppError('INTERNAL', 'session not found after sign-in');
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: Math.max(0, Math.floor((row.expiresAt.getTime() - Date.now()) / 1000)),
    expires_at: row.expiresAt.toISOString(),
    user: toUserDto(row.user, deps.env.signupScopes),
  };
}
