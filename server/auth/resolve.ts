/**
 * Turns whatever credential a request carries into a Principal. Every dialect's style is accepted:
 * `Authorization: Bearer|ApiKey <t>`, a bare `Authorization: <key>`, `X-API-Key`, the dashboard's
 * cookies, and — on stream endpoints only — `?access_token=` / `?token=`.
 */
import { and, eq, gt } from 'drizzle-orm';
import { session as sessionTable, user as userTable } from '@/db/schema';
import type { Services } from '@/server/services';
import { adminPrincipal, ADMIN_PRINCIPAL_ID, type Principal } from './principal';
import { SCOPES, statementsToScopes, USER_SCOPES, type Scope } from './scopes';
import { isApiKeyToken } from './keys';

export const SESSION_COOKIE = 'access_token';
const BETTER_AUTH_COOKIE = 'switchboard.session_token';

export interface CredentialSource {
  headers: Headers;
  url: URL;
  /** Query-string tokens are honoured only where a browser cannot set headers: SSE and WebSocket. */
  allowQueryToken: boolean;
}

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

/** The credential a request presents, in order of precedence; undefined when it presents none. */
export function extractToken(source: CredentialSource): string | undefined {
  const authorization = source.headers.get('authorization')?.trim();
  if (authorization) {
    const match = /^(Bearer|ApiKey|Token)\s+(.+)$/i.exec(authorization);
    return match ? match[2]!.trim() : authorization;
  }
  const apiKey = source.headers.get('x-api-key')?.trim();
  if (apiKey) return apiKey;
  const cookie = parseCookies(source.headers.get('cookie')).get(SESSION_COOKIE);
  if (cookie) return cookie;
  if (source.allowQueryToken) {
    return source.url.searchParams.get('access_token') ?? source.url.searchParams.get('token') ?? undefined;
  }
  return undefined;
}

export function userScopes(role: string): Set<Scope> {
  return new Set(role === 'admin' ? SCOPES : USER_SCOPES);
}

async function principalFromSessionToken(services: Pick<Services, 'db'>, token: string): Promise<Principal | null> {
  const rows = await services.db
    .select({ userId: userTable.id, name: userTable.name, email: userTable.email, role: userTable.role })
    .from(sessionTable)
    .innerJoin(userTable, eq(sessionTable.userId, userTable.id))
    .where(and(eq(sessionTable.token, token), gt(sessionTable.expiresAt, new Date())))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  return {
    kind: 'user',
    id: row.userId,
    userId: row.userId,
    name: row.name || row.email,
    ownerId: row.userId,
    scopes: userScopes(row.role),
    sessionToken: token,
  };
}

async function principalFromApiKey(services: Pick<Services, 'auth' | 'db'>, token: string): Promise<Principal | null> {
  const result = await services.auth.api.verifyApiKey({ body: { key: token } });
  if (!result.valid || !result.key) return null;
  const key = result.key;
  let scopes = statementsToScopes(key.permissions as Record<string, string[]> | null);
  let userId: string | undefined;
  if (key.referenceId !== ADMIN_PRINCIPAL_ID) {
    // A user's key can never do more than the user can do now (a demoted admin's keys shrink too).
    const owner = await services.db.select({ role: userTable.role }).from(userTable).where(eq(userTable.id, key.referenceId));
    if (!owner[0]) return null;
    const allowed = userScopes(owner[0].role);
    scopes = scopes.filter((s) => allowed.has(s));
    userId = key.referenceId;
  }
  return { kind: 'api_key', id: key.id, name: key.name ?? key.id, scopes: new Set(scopes), userId, ownerId: key.referenceId };
}

async function principalFromBetterAuthCookie(services: Services, headers: Headers): Promise<Principal | null> {
  const found = await services.auth.api.getSession({ headers });
  if (!found) return null;
  return {
    kind: 'user',
    id: found.user.id,
    userId: found.user.id,
    ownerId: found.user.id,
    name: found.user.name || found.user.email,
    scopes: userScopes((found.user as { role?: string }).role ?? 'user'),
    sessionToken: found.session.token,
  };
}

/** Who a presented token (admin token, API key or session token) belongs to; null when it is not valid. */
export async function principalFromToken(services: Pick<Services, 'adminToken' | 'auth' | 'db' | 'env'>, token: string): Promise<Principal | null> {
  if (services.env.authDisabled) return adminPrincipal('auth disabled');
  if (services.adminToken.matches(token)) return adminPrincipal();
  if (isApiKeyToken(token)) return principalFromApiKey(services, token);
  return principalFromSessionToken(services, token);
}

export async function resolvePrincipal(services: Services, source: CredentialSource): Promise<Principal | null> {
  if (services.env.authDisabled) return adminPrincipal('auth disabled');
  const token = extractToken(source);
  if (token) return principalFromToken(services, token);
  if (parseCookies(source.headers.get('cookie')).has(BETTER_AUTH_COOKIE)) {
    return principalFromBetterAuthCookie(services, source.headers);
  }
  return null;
}
