/**
 * Turns whatever credential a request carries into a Principal. Every dialect's style is accepted:
 * `Authorization: Bearer|ApiKey <t>`, a bare `Authorization: <key>`, `X-API-Key`, the dashboard's
 * cookies, and — on stream endpoints only — `?access_token=` / `?token=`.
 */
import { and, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  apikey as apikeyTable,
  device as deviceTable,
  deviceToken as deviceTokenTable,
  session as sessionTable,
  tokenSession as tokenSessionTable,
  user as userTable,
} from '@/db/schema';
import { preparedOn } from '@/db/prepared';
import type { Services } from '@/server/services';
import {
  ADMIN_CREDENTIAL,
  adminPrincipal,
  ADMIN_PRINCIPAL_ID,
  apiKeyCredential,
  deviceCredential,
  deviceFamilyCredential,
  deviceTokenCredential,
  sessionCredential,
  type Principal,
} from './principal';
import { ACCOUNT_SCOPES, SCOPES, statementsToScopes, USER_SCOPES, type Scope } from './scopes';
import { credentialCacheOf, sha256Token } from './credential-cache';
import { keyUsageOf } from './key-usage';
import { isDeviceAccessToken, isDeviceRefreshToken } from './device-tokens';
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

/** Without the bus (what revocations arrive on) nothing is cached: every lookup asks the database. */
type Deps = Pick<Services, 'adminToken' | 'auth' | 'db' | 'env' | 'secrets'> & { bus?: Services['bus'] };

/** A valid credential's principal, and when the credential itself expires (a cache entry never outlives it). */
interface Resolved {
  principal: Principal;
  expiresAt?: Date | null;
}

interface SessionRow {
  sessionId: string;
  userId: string;
  name: string;
  email: string;
  role: string;
  expiresAt: Date;
}

function userPrincipal(deps: Pick<Services, 'env'>, row: Omit<SessionRow, 'expiresAt'>, sessionToken?: string): Principal {
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
    .select({ sessionId: sessionTable.id, userId: userTable.id, name: userTable.name, email: userTable.email, role: userTable.role, expiresAt: sessionTable.expiresAt })
    .from(sessionTable)
    .innerJoin(userTable, eq(sessionTable.userId, userTable.id))
    .where(and('id' in where ? eq(sessionTable.id, where.id) : eq(sessionTable.token, where.tokenHash), gt(sessionTable.expiresAt, new Date())))
    .limit(1);
  return rows[0] ?? null;
}

interface KeyRow {
  id: string;
  name: string | null;
  referenceId: string;
  permissions: string | null;
  enabled: boolean | null;
  expiresAt: Date | null;
  /** The owner's role now; null when the owner is gone (or the key is the server's own). */
  ownerRole: string | null;
}

const KEY_COLUMNS = {
  id: apikeyTable.id,
  name: apikeyTable.name,
  referenceId: apikeyTable.referenceId,
  permissions: apikeyTable.permissions,
  enabled: apikeyTable.enabled,
  expiresAt: apikeyTable.expiresAt,
  ownerRole: userTable.role,
};

/** A key with its owner's role, in one prepared query, by the key's hash or by its id. */
const keyBy = (db: Db, column: 'key' | 'id') =>
  db
    .select(KEY_COLUMNS)
    .from(apikeyTable)
    .leftJoin(userTable, eq(userTable.id, apikeyTable.referenceId))
    .where(eq(apikeyTable[column], sql.placeholder('value')))
    .limit(1)
    .prepare(`find_key_by_${column}`);

async function findKey(deps: Pick<Services, 'db'>, column: 'key' | 'id', value: string): Promise<KeyRow | undefined> {
  const [row] = await preparedOn(deps.db, `findKeyBy:${column}`, (db) => keyBy(db, column)).execute({ value });
  return row;
}

function parseStatements(raw: string | null): Record<string, string[]> | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Record<string, string[]>;
  } catch {
    return null;
  }
}

/**
 * The principal a key stands for, if it is in force: enabled, unexpired, and its owner still
 * there. A user's key can never do more than the user can do now (a demoted admin's keys shrink too).
 */
function keyPrincipal(deps: Pick<Services, 'env'>, key: KeyRow): Principal | null {
  if (key.enabled === false || (key.expiresAt && key.expiresAt.getTime() <= Date.now())) return null;
  let scopes = statementsToScopes(parseStatements(key.permissions));
  let userId: string | undefined;
  if (key.referenceId !== ADMIN_PRINCIPAL_ID) {
    if (key.ownerRole === null) return null;
    const allowed = userScopes(key.ownerRole, deps.env.signupScopes);
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

/**
 * A presented API key, found by its hash (as better-auth stores it) with one read and no write:
 * its usage is recorded in batches (key-usage.ts). Expired keys are refused, not deleted.
 */
async function principalFromApiKey(deps: Deps, tokenHash: string): Promise<Resolved | null> {
  const key = await findKey(deps, 'key', tokenHash);
  const principal = key ? keyPrincipal(deps, key) : null;
  if (!key || !principal) return null;
  return { principal, expiresAt: key.expiresAt };
}

/** A key still in force, by id: what a session or ticket opened with that key stands on. */
async function principalFromKeyId(deps: Deps, keyId: string): Promise<Principal | null> {
  const key = await findKey(deps, 'id', keyId);
  return key ? keyPrincipal(deps, key) : null;
}

const DEVICE_TOKEN_COLUMNS = {
  tokenId: deviceTokenTable.id,
  familyId: deviceTokenTable.familyId,
  expiresAt: deviceTokenTable.expiresAt,
  usedAt: deviceTokenTable.usedAt,
  tokenRevokedAt: deviceTokenTable.revokedAt,
  address: deviceTable.address,
  name: deviceTable.name,
  permissions: deviceTable.permissions,
  ownerId: deviceTable.ownerId,
  lastSeenAt: deviceTable.lastSeenAt,
  deviceRevokedAt: deviceTable.revokedAt,
  ownerRole: userTable.role,
};

/** An access token with its device and the owner's role now, in one prepared query, by the token's hash or id. */
const deviceAccessToken = (db: Db, column: 'tokenHash' | 'id') =>
  db
    .select(DEVICE_TOKEN_COLUMNS)
    .from(deviceTokenTable)
    .innerJoin(deviceTable, eq(deviceTable.address, deviceTokenTable.deviceAddress))
    .leftJoin(userTable, eq(userTable.id, deviceTable.ownerId))
    .where(and(eq(deviceTokenTable[column], sql.placeholder('value')), eq(deviceTokenTable.kind, 'access')))
    .limit(1)
    .prepare(`find_device_access_token_by_${column}`);

/** How stale a device's `last_seen_at` may get: it is written at most this often, never per request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * A paired device's access token: valid while unexpired, not rotated away by a refresh, not revoked
 * (alone, with its family, or with its device), and while its owner exists. The device may do what
 * it was granted and its owner may still do now (like a key).
 */
async function principalFromDeviceToken(deps: Deps, by: { token: string } | { id: string }): Promise<Resolved | null> {
  const column = 'id' in by ? 'id' : 'tokenHash';
  const value = 'id' in by ? by.id : deps.secrets.hashToken(by.token);
  const [row] = await preparedOn(deps.db, `findDeviceAccessTokenBy:${column}`, (db) => deviceAccessToken(db, column)).execute({ value });
  if (!row || row.usedAt || row.tokenRevokedAt || row.deviceRevokedAt || row.expiresAt.getTime() <= Date.now()) return null;
  const ownedByAdmin = row.ownerId === ADMIN_PRINCIPAL_ID;
  if (!ownedByAdmin && row.ownerRole === null) return null;
  const ownerMay = ownedByAdmin ? new Set<Scope>(SCOPES) : userScopes(row.ownerRole!, deps.env.signupScopes);
  if (!row.lastSeenAt || row.lastSeenAt.getTime() < Date.now() - LAST_SEEN_RESOLUTION_MS) {
    // Conditional, so processes racing on one device write once; never awaited by the request.
    const stale = new Date(Date.now() - LAST_SEEN_RESOLUTION_MS);
    void deps.db
      .update(deviceTable)
      .set({ lastSeenAt: new Date() })
      .where(and(eq(deviceTable.address, row.address), or(isNull(deviceTable.lastSeenAt), lt(deviceTable.lastSeenAt, stale))))
      .catch(() => {});
  }
  return {
    principal: {
      kind: 'device',
      id: row.address,
      name: row.name,
      scopes: new Set(row.permissions.filter((s) => ownerMay.has(s))),
      userId: ownedByAdmin ? undefined : row.ownerId,
      ownerId: row.ownerId,
      // The token itself is innermost: a stream ticket or dashboard session opened with it lives while it does.
      credentials: [deviceTokenCredential(row.tokenId), deviceFamilyCredential(row.familyId), deviceCredential(row.address)],
    },
    expiresAt: row.expiresAt,
  };
}

/** The principal a stored credential reference stands for, if it is still in force. */
async function principalFromCredential(deps: Deps, credential: string): Promise<Principal | null> {
  if (credential === ADMIN_CREDENTIAL) return adminPrincipal();
  const [kind, id] = [credential.slice(0, credential.indexOf(':')), credential.slice(credential.indexOf(':') + 1)];
  if (kind === 'apikey') return principalFromKeyId(deps, id);
  if (kind === 'device-token') return (await principalFromDeviceToken(deps, { id }))?.principal ?? null;
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
async function principalFromTokenSession(deps: Deps, token: string, purpose: TokenPurpose): Promise<Resolved | null> {
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
  return { principal: { ...principal, credentials: [...chain, own], sessionToken: purpose === 'dashboard' ? token : undefined }, expiresAt: row.expiresAt };
}

/** A presented token that is not the admin token, looked up in the store. */
function lookUpToken(deps: Deps, token: string, tokenHash: string, purpose: TokenPurpose | undefined): Promise<Resolved | null> {
  if (isApiKeyToken(token)) return principalFromApiKey(deps, tokenHash);
  if (isDeviceAccessToken(token)) return principalFromDeviceToken(deps, { token });
  // A refresh token only ever buys a new pair at session/refresh; it is never a credential.
  if (isDeviceRefreshToken(token)) return Promise.resolve(null);
  if (purpose) return principalFromTokenSession(deps, token, purpose);
  return findUserSession(deps, { tokenHash: deps.secrets.hashToken(token) }).then((row) => (row ? { principal: userPrincipal(deps, row, token), expiresAt: row.expiresAt } : null));
}

/** Who a presented token (admin token, API key, device token, session token, dashboard session or ticket) belongs to; null when it is not valid. */
export async function principalFromToken(deps: Deps, token: string, opts: { onStreamRoute?: boolean } = {}): Promise<Principal | null> {
  if (deps.env.authDisabled) return adminPrincipal('auth disabled');
  if (deps.adminToken.matches(token)) return adminPrincipal();
  const purpose = tokenSessionPurpose(token);
  // Tickets count only on stream routes (checked before the cache, which does not know the route).
  if (purpose === 'stream' && !(opts.onStreamRoute ?? false)) return null;
  const tokenHash = sha256Token(token);
  const principal = deps.bus
    ? await credentialCacheOf(deps.bus).resolve(tokenHash, () => lookUpToken(deps, token, tokenHash, purpose))
    : ((await lookUpToken(deps, token, tokenHash, purpose))?.principal ?? null);
  // Every use counts, cached or not; written in batches, never on the request path.
  if (principal?.kind === 'api_key') keyUsageOf(deps.db).record(principal.id);
  return principal;
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
