import { principalFromToken } from '@/server/auth/resolve';
import { unauthorized } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { describePrincipal, type PrincipalDto } from './describe-principal';

/**
 * Checks a pasted credential (admin token, API key or session token) before the dashboard keeps it,
 * and says who it belongs to. Nobody is signed in yet, so there is no caller to pass.
 */
export async function identifyToken(deps: Pick<Services, 'adminToken' | 'auth' | 'db' | 'env' | 'secrets'>, input: { token: string }): Promise<PrincipalDto> {
  const principal = await principalFromToken(deps, input.token);
  if (!principal) throw unauthorized('that token is not valid');
  return describePrincipal(deps, principal);
}
