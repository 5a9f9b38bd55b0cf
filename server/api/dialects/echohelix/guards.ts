import type { Principal } from '@/server/auth/principal';
import type { Scope } from '@/server/auth/scopes';
import { forbidden } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';

/**
 * The access of an EchoHelix work endpoint (runs, sessions, files and their streams): the scope,
 * and EchoHelix's rule that the bootstrap token manages pairing, devices and the emergency switch
 * but never submits or watches work — that takes a paired device, or a user or key holding the
 * scope. Spread it into the declaration: `endpoint({ …, ...workload('runs:submit'), … })`.
 */
export function workload<S extends Scope>(scope: S) {
  return {
    scope,
    guard(principal: Principal, deps: Pick<Services, 'env'>): void {
      // With auth disabled every request is the admin, and the rule would lock everyone out.
      if (principal.kind === 'admin' && !deps.env.authDisabled) {
        throw forbidden(`the bootstrap token cannot use ${scope}; pair a device or use an API key (missing scope: ${scope})`);
      }
    },
  };
}
