import { ADMIN_PRINCIPAL_ID } from '@/server/auth/principal';
import type { Scope } from '@/server/auth/scopes';
import { forbidden } from '@/server/core/shared/errors';
import { scopedProcedure } from '@/server/api/trpc';

const WORKLOAD_SCOPES = new Set<Scope>(['runs:submit', 'runs:read', 'runs:cancel']);

/**
 * EchoHelix's bootstrap token manages pairing, devices and the emergency switch but never submits
 * or watches work: that takes a paired device (or a user or key holding the scope).
 */
export function echohelixProcedure(scope: Scope) {
  return scopedProcedure(scope).use(({ ctx, next }) => {
    if (WORKLOAD_SCOPES.has(scope) && ctx.principal.id === ADMIN_PRINCIPAL_ID && !ctx.services.env.authDisabled) {
      throw forbidden(`the bootstrap token cannot use ${scope}; pair a device or use an API key (missing scope: ${scope})`);
    }
    return next();
  });
}
