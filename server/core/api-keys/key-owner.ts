import { ADMIN_PRINCIPAL_ID, type Principal } from '@/server/auth/principal';
import { hasScope } from '@/server/auth/scopes';
import { forbidden } from '@/server/core/shared/errors';

/**
 * Who may manage keys: a signed-in user (their own), the admin, or a key given `keys:write`
 * explicitly. A narrower key cannot touch its owner's keys — otherwise a read-only key could mint
 * itself a full one.
 */
export function assertMayManageKeys(principal: Principal): void {
  if (!hasScope(principal.scopes, 'keys:write')) throw forbidden('missing scope: keys:write');
}

/**
 * Whose keys a principal manages: a user's credentials manage that user's keys; the admin token (or
 * an admin-scoped key not tied to a user) manages the server's own keys.
 */
export function keyOwnerOf(principal: Principal): string {
  assertMayManageKeys(principal);
  if (principal.userId) return principal.userId;
  if (principal.ownerId) return principal.ownerId;
  if (principal.scopes.has('admin')) return ADMIN_PRINCIPAL_ID;
  throw forbidden('this credential cannot manage API keys');
}
