import { ADMIN_PRINCIPAL_ID, type Principal } from '@/server/auth/principal';
import { forbidden } from '@/server/core/shared/errors';

/**
 * Whose keys a principal manages: a user manages their own; the admin token (or an admin-scoped key
 * not tied to a user) manages the server's own keys. Any other credential manages none.
 */
export function keyOwnerOf(principal: Principal): string {
  if (principal.userId) return principal.userId;
  if (principal.scopes.has('admin')) return ADMIN_PRINCIPAL_ID;
  throw forbidden('this credential cannot manage API keys');
}
