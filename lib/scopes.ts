/**
 * The scope vocabulary the dashboard offers on the API-key form. Browser code takes only types from
 * server/*, so the list is kept here as plain data, checked against the server's `Scope` union at
 * compile time both ways: a scope the server adds or renames stops this file compiling.
 */
import type { Scope } from '@/server/auth/scopes';

export type { Scope };

export const SCOPES = [
  'runs:submit',
  'runs:read',
  'runs:cancel',
  'backends:read',
  'devices:read',
  'devices:write',
  'pair:start',
  'sessions:read',
  'sessions:write',
  'keys:write',
  'admin',
] as const satisfies readonly Scope[];

// Every server scope is offered: `true` only when none is missing from the list above.
const everyScopeListed: Exclude<Scope, (typeof SCOPES)[number]> extends never ? true : never = true;
void everyScopeListed;

/** The scopes a principal may hand to a new key: all of them for an admin, otherwise what it holds. */
export function grantableScopes(held: readonly string[]): Scope[] {
  if (held.includes('admin')) return [...SCOPES];
  return SCOPES.filter((scope) => held.includes(scope));
}
