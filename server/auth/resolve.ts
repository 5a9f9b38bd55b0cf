/**
 * Turns whatever credential a request carries into a Principal. Every dialect's style is accepted:
 * `Authorization: Bearer|ApiKey <t>`, a bare `Authorization: <key>`, `X-API-Key`, the dashboard's
 * cookies, and — on stream endpoints only — `?access_token=` / `?token=`.
 */
import { and, eq, gt, inArray } from 'drizzle-orm';
import { apikey as apikeyTable, session as sessionTable, tokenSession as tokenSessionTable, user as userTable } from '@/db/schema';
import type { Services } from '@/server/services';
import { ADMIN_CREDENTIAL, adminPrincipal, ADMIN_PRINCIPAL_ID, apiKeyCredential, sessionCredential, type Principal } from './principal';
import { ACCOUNT_SCOPES, SCOPES, statementsToScopes, USER_SCOPES, type Scope } from './scopes';
import { isApiKeyToken, TICKET_CREDENTIAL, TOKEN_SESSION_CREDENTIAL, tokenSessionPurpose, type TokenPurpose } from './keys';

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

/** What a user may do: everything for an admin, else what sign-up grants (SIGNUP_SCOPES) and their own keys. */
export function userScopes(role: string, signupScopes: readonly Scope[] = USER_SCOPES): Set<Scope> {
  return new Set(role === 'admin' ? SCOPES : [...signupScopes, ...ACCOUNT_SCOPES]);
}

type Deps = Pick<Services, 'adminToken' | 'auth' | 'db' | 'env' | 'secrets'>;

interface SessionRow {
  sessionId: string;
  userId: string;
  name: string;
  email: string;
  role: string;
}

function userPrincipal(deps: Pick<Services, 'env'>, row: SessionRow, sessionToken?: string): Principal {
  return {
    kind: 'user',
    id: row.userId,
    userId: row.userId,
    name: row.name || row.email,
    ownerId: row.userId,
    scopes: userScopes(row.role, deps.env.signupScopes),
    sessionToken,
    credentials: [sessionCredential(row.sessionId)],
  };
}

/** A live better-auth session, found by the hash its token is stored as, or by its id. */
async function findUserSession(deps: Pick<Services, 'db'>, where: { tokenHash: string } | { id: string }): Promise<SessionRow | null> {
  const rows = await deps.db
    .select({ sessionId: sessionTable.id, userId: userTable.id, name: userTable.name, email: userTable.email, role: userTable.role })
    .from(sessionTable)
    .innerJoin(userTable, eq(sessionTable.userId, userTable.id))
    .where(and('id' in where ? eq(sessionTable.id, where.id) : eq(sessionTable.token, where.tokenHash), gt(sessionTable.expiresAt, new Date())))
    .limit(1);
  return rows[0] ?? null;
}

interface KeyRecord {
  id: string;
  name: string | null;
  referenceId: string;
  permissions: Record<string, string[]> | null;
}

async function keyPrincipal(deps: Pick<Services, 'db' | 'env'>, key: KeyRecord): Promise<Principal | null> {
  let scopes = statementsToScopes(key.permissions);
  let userId: string | undefined;
  if (key.referenceId !== ADMIN_PRINCIPAL_ID) {
    // A user's key can never do more than the user can do now (a demoted admin's keys shrink too).
    const owner = await deps.db.select({ role: userTable.role }).from(userTable).where(eq(userTable.id, key.referenceId));
    if (!owner[0]) return null;
    const allowed = userScopes(owner[0].role, deps.env.signupScopes);
    scopes = scopes.filter((s) => allowed.has(s));
    userId = key.referenceId;
  }
  return {
    kind: 'api_key',
    id: key.id,
    name: key.name ?? key.id,
    scopes: new Set(scopes),
    userId,
    ownerId: key.referenceId,
    credentials: [apiKeyCredential(key.id)],
  };
}

async function principalFromApiKey(deps: Deps, token: string): Promise<Principal | null> {
  const result = await deps.auth.api.verifyApiKey({ body: { key: token } });
  if (!result.valid || !result.key) return null;
  const key = result.key;
  return keyPrincipal(deps, { id: key.id, name: key.name, referenceId: key.referenceId, permissions: key.permissions as Record<string, string[]> | null });
}

/** A key still in force, by id: what a session or ticket opened with that key stands on. */
async function principalFromKeyId(deps: Deps, keyId: string): Promise<Principal | null> {
  const [row] = await deps.db.select().from(apikeyTable).where(eq(apikeyTable.id, keyId)).limit(1);
  if (!row || row.enabled === false || (row.expiresAt && row.expiresAt <= new Date())) return null;
  let permissions: Record<string, string[]> | null = null;
  try {
    permissions = row.permissions ? (JSON.parse(row.permissions) as Record<string, string[]>) : null;
  } catch {
    permissions = null;
  }
  return keyPrincipal(deps, { id: row.id, name: row.name, referenceId: row.referenceId, permissions });
}

/** The principal a stored credential reference stands for, if it is still in force. */
async function principalFromCredential(deps: Deps, credential: string): Promise<Principal | null> {
  if (credential === ADMIN_CREDENTIAL) return adminPrincipal();
  const [kind, id] = [credential.slice(0, credential.indexOf(':')), credential.slice(credential.indexOf(':') + 1)];
  if (kind === 'apikey') return principalFromKeyId(deps, id);
  if (kind === 'session') {
    const row = await findUserSession(deps, { id });
    return row ? userPrincipal(deps, row) : null;
  }
  return null;
}

/**
 * A dashboard session or stream ticket (our own token sessions): valid while unexpired and while
 * every credential it was opened with still is. Tickets count only on stream routes.
 */
async function principalFromTokenSession(deps: Deps, token: string, purpose: TokenPurpose, onStreamRoute: boolean): Promise<Principal | null> {
  if (purpose === 'stream' && !onStreamRoute) return null;
  const [row] = await deps.db
    .select()
    .from(tokenSessionTable)
    .where(and(eq(tokenSessionTable.tokenHash, deps.secrets.hashToken(token)), eq(tokenSessionTable.purpose, purpose), gt(tokenSessionTable.expiresAt, new Date())))
    .limit(1);
  if (!row) return null;
  const chain = JSON.parse(row.credentials) as string[];
  const principal = await principalFromCredential(deps, chain[0] ?? '');
  if (!principal) return null;
  const wrappers = chain.slice(1).filter((c) => c.startsWith(`${TOKEN_SESSION_CREDENTIAL}:`));
  if (wrappers.length) {
    const ids = wrappers.map((c) => c.slice(TOKEN_SESSION_CREDENTIAL.length + 1));
    const alive = await deps.db.select({ id: tokenSessionTable.id }).from(tokenSessionTable).where(and(inArray(tokenSessionTable.id, ids), gt(tokenSessionTable.expiresAt, new Date())));
    if (alive.length !== ids.length) return null;
  }
  const own = `${purpose === 'stream' ? TICKET_CREDENTIAL : TOKEN_SESSION_CREDENTIAL}:${row.id}`;
  return { ...principal, credentials: [...chain, own], sessionToken: purpose === 'dashboard' ? token : undefined };
}

/** Who a presented token (admin token, API key, session token, dashboard session or ticket) belongs to; null when it is not valid. */
export async function principalFromToken(deps: Deps, token: string, opts: { onStreamRoute?: boolean } = {}): Promise<Principal | null> {
  if (deps.env.authDisabled) return adminPrincipal('auth disabled');
  if (deps.adminToken.matches(token)) return adminPrincipal();
  if (isApiKeyToken(token)) return principalFromApiKey(deps, token);
  const purpose = tokenSessionPurpose(token);
  if (purpose) return principalFromTokenSession(deps, token, purpose, opts.onStreamRoute ?? false);
  const row = await findUserSession(deps, { tokenHash: deps.secrets.hashToken(token) });
  return row ? userPrincipal(deps, row, token) : null;
}

async function principalFromBetterAuthCookie(services: Services, headers: Headers): Promise<Principal | null> {
  // better-auth reads its signed cookie and finds the session through the hashing adapter.
  const found = await services.auth.api.getSession({ headers });
  if (!found) return null;
  const row = { sessionId: found.session.id, userId: found.user.id, name: found.user.name, email: found.user.email, role: (found.user as { role?: string }).role ?? 'user' };
  return userPrincipal(services, row, found.session.token);
}

export async function resolvePrincipal(services: Services, source: CredentialSource): Promise<Principal | null> {
  if (services.env.authDisabled) return adminPrincipal('auth disabled');
  const token = extractToken(source);
  if (token) return principalFromToken(services, token, { onStreamRoute: source.allowQueryToken });
  if (parseCookies(source.headers.get('cookie')).has(BETTER_AUTH_COOKIE)) {
    return principalFromBetterAuthCookie(services, source.headers);
  }
  return null;
}
