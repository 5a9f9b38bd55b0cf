/**
 * The scope vocabulary, re-exported from the server's own list (a plain constant, no runtime
 * dependencies) so the checkboxes always offer exactly what the API accepts.
 */
import { SCOPES, type Scope } from '@/server/auth/scopes';

export { SCOPES, type Scope };

/** The scopes a principal may hand to a new key: all of them for an admin, otherwise what it holds. */
export function grantableScopes(held: readonly string[]): Scope[] {
  if (held.includes('admin')) return [...SCOPES];
  return SCOPES.filter((scope) => held.includes(scope));
}
