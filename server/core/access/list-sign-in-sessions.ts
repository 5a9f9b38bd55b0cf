import { and, desc, eq, gt } from 'drizzle-orm';
import { apikey, session, tokenSession, user } from '@/db/schema';
import { ADMIN_CREDENTIAL, type Principal } from '@/server/auth/principal';
import type { Services } from '@/server/services';
import { ownedWhere } from './owner-scope';
import { credentialOfSession, type SignInSession } from './sign-in-sessions';

/** The method a token session was opened with, from the innermost credential it stands on. */
async function methodOf(deps: Pick<Services, 'db'>, credentials: string): Promise<string> {
  let chain: string[] = [];
  try {
    chain = JSON.parse(credentials) as string[];
  } catch {
    return 'token';
  }
  const inner = chain[0] ?? '';
  if (inner === ADMIN_CREDENTIAL) return 'admin token';
  if (inner.startsWith('apikey:')) {
    const [key] = await deps.db.select({ name: apikey.name }).from(apikey).where(eq(apikey.id, inner.slice('apikey:'.length))).limit(1);
    return key?.name ? `API key ${key.name}` : 'API key';
  }
  if (inner.startsWith('session:')) return 'user session';
  return 'token';
}

/**
 * The live sessions signed in to the dashboard or the API: the principal's own (a user's sign-ins
 * and the dashboards opened with their keys), or everyone's for the admin. Newest first.
 */
export async function listSignInSessions(deps: Pick<Services, 'db'>, principal: Principal): Promise<SignInSession[]> {
  const now = new Date();
  const [userRows, tokenRows] = await Promise.all([
    deps.db
      .select({ id: session.id, userId: session.userId, name: user.name, email: user.email, ip: session.ipAddress, agent: session.userAgent, createdAt: session.createdAt, expiresAt: session.expiresAt })
      .from(session)
      .innerJoin(user, eq(user.id, session.userId))
      .where(ownedWhere(principal, session.userId, gt(session.expiresAt, now)))
      .orderBy(desc(session.createdAt))
      .limit(200),
    deps.db
      .select({ id: tokenSession.id, ownerId: tokenSession.ownerId, name: user.name, credentials: tokenSession.credentials, createdAt: tokenSession.createdAt, expiresAt: tokenSession.expiresAt })
      .from(tokenSession)
      .leftJoin(user, eq(user.id, tokenSession.ownerId))
      .where(ownedWhere(principal, tokenSession.ownerId, and(eq(tokenSession.purpose, 'dashboard'), gt(tokenSession.expiresAt, now))))
      .orderBy(desc(tokenSession.createdAt))
      .limit(200),
  ]);
  const held = new Set(principal.credentials);
  const users: SignInSession[] = userRows.map((r) => ({
    id: r.id,
    kind: 'user',
    owner_id: r.userId,
    owner_name: r.name || r.email,
    method: 'password or OAuth',
    ip_address: r.ip,
    user_agent: r.agent,
    created_at: r.createdAt.toISOString(),
    expires_at: r.expiresAt.toISOString(),
    current: held.has(credentialOfSession('user', r.id)),
  }));
  const tokens: SignInSession[] = await Promise.all(
    tokenRows.map(async (r) => ({
      id: r.id,
      kind: 'token' as const,
      owner_id: r.ownerId,
      owner_name: r.name ?? r.ownerId,
      method: await methodOf(deps, r.credentials),
      ip_address: null,
      user_agent: null,
      created_at: r.createdAt.toISOString(),
      expires_at: r.expiresAt.toISOString(),
      current: held.has(credentialOfSession('token', r.id)),
    })),
  );
  return [...users, ...tokens].sort((a, b) => b.created_at.localeCompare(a.created_at));
}
