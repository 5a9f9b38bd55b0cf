import { forbidden } from '@/server/core/shared/errors';
import { can, type Principal } from './principal';
import type { Scope } from './scopes';

/**
 * For an endpoint whose scope depends on its input (EchoHelix's backend/call: by method): the
 * endpoint declares the least scope, and the handler asks for the one this call needs, with the
 * same 403 `missing scope: <scope>` a declared scope gives.
 */
export function requireScope(principal: Principal, scope: Scope): void {
  if (!can(principal, scope)) throw forbidden(`missing scope: ${scope}`);
}
