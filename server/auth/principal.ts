import { hasScope, SCOPES, type Scope } from './scopes';

/**
 * Who is making a request. Every credential style of every dialect (admin token, user session,
 * API key, paired device) resolves to one of these, and authorization only ever looks at `scopes`.
 */
export interface Principal {
  kind: 'admin' | 'user' | 'api_key' | 'device' | 'anonymous';
  /** Stable id: `admin`, a user id, a key id or a device address. */
  id: string;
  name: string;
  scopes: ReadonlySet<Scope>;
  /** The user behind a session or a user-owned key. */
  userId?: string;
  /**
   * Whose objects the principal acts for: its user's id, or `admin` for the admin token and the
   * keys it created (the server's own). Unset for a credential that belongs to no one.
   */
  ownerId?: string;
  /** The session token, for logout. */
  sessionToken?: string;
  /**
   * The credentials the request stands on, innermost first (`admin`, `apikey:<id>`,
   * `session:<id>`, then any `token-session:<id>` / `ticket:<id>` wrapped around them). Revoking any
   * one of them ends what this principal opened (its streams).
   */
  credentials: readonly string[];
}

export const ADMIN_PRINCIPAL_ID = 'admin';

/** The bootstrap token as a credential reference (it is never revoked, only replaced at restart). */
export const ADMIN_CREDENTIAL = 'admin';
export const apiKeyCredential = (keyId: string) => `apikey:${keyId}`;
export const sessionCredential = (sessionId: string) => `session:${sessionId}`;
/** A paired device: revoking it ends everything any of its tokens opened. */
export const deviceCredential = (address: string) => `device:${address}`;
/** One pairing's chain of rotated tokens: revoked whole when a used refresh token comes back. */
export const deviceFamilyCredential = (familyId: string) => `device-family:${familyId}`;
/** One device access token: rotated away by a refresh (caches forget it; its open streams stay). */
export const deviceTokenCredential = (tokenId: string) => `device-token:${tokenId}`;

export function adminPrincipal(name = 'admin'): Principal {
  return { kind: 'admin', id: ADMIN_PRINCIPAL_ID, name, scopes: new Set(SCOPES), ownerId: ADMIN_PRINCIPAL_ID, credentials: [ADMIN_CREDENTIAL] };
}

export function can(principal: Principal | null | undefined, scope: Scope): boolean {
  return !!principal && hasScope(principal.scopes, scope);
}
