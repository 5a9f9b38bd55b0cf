import { randomBytes } from 'node:crypto';
import { lt } from 'drizzle-orm';
import { pairing } from '@/db/schema';
import { ADMIN_PRINCIPAL_ID, can, type Principal } from '@/server/auth/principal';
import { hasScope } from '@/server/auth/scopes';
import { Budget, principalKey } from '@/server/core/shared/rate-budget';
import { badRequest, forbidden } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import type { Services } from '@/server/services';
import { DEVICE_SCOPES, PAIR_TTL_DEFAULT_SECONDS, PAIR_TTL_MAX_SECONDS, type DeviceScope, type PairingStarted } from './device-dto';
import { randomSecret } from './device-tokens';

/** The version of the pairing handshake (`elix_uri`'s `v`): sign the challenge string with ed25519. */
export const PAIR_VERSION = '1';

export interface StartPairingInput {
  /** What the device will be granted; by default everything the caller may grant. */
  permissions?: readonly string[];
  /** How long the pair code stays valid (1..600 s, 60 by default). */
  ttlSeconds?: number;
  /** The dialect base path the pairing was started under (`/echohelix`), for the server URL in `elix_uri`. */
  basePath?: string;
}

/** Each process's pair/start budget (per principal), by the configuration it was built from. */
const budgets = new WeakMap<object, Budget>();

function pairStartBudget(deps: Pick<Services, 'env'>): Budget {
  let budget = budgets.get(deps.env);
  if (!budget) budgets.set(deps.env, (budget = new Budget(deps.env.rateLimits.pairStartsPerPrincipal, 'pairings started by this credential')));
  return budget;
}

/** What a principal may hand a device: its own EchoHelix scopes, never `pair:start`. */
export function grantableDeviceScopes(principal: Principal): DeviceScope[] {
  return DEVICE_SCOPES.filter((scope) => hasScope(principal.scopes, scope));
}

function pairingOwner(principal: Principal): string {
  if (principal.userId) return principal.userId;
  if (principal.ownerId) return principal.ownerId;
  if (can(principal, 'admin')) return ADMIN_PRINCIPAL_ID;
  throw forbidden('this credential belongs to no one and cannot pair devices');
}

function chosenPermissions(principal: Principal, requested: readonly string[] | undefined): DeviceScope[] {
  const grantable = grantableDeviceScopes(principal);
  if (requested === undefined) return grantable;
  if (requested.length === 0) throw badRequest('must name at least one scope', 'permissions');
  const beyond = requested.filter((scope) => !(grantable as readonly string[]).includes(scope));
  if (beyond.length) {
    throw badRequest(`cannot grant ${beyond.join(', ')} (a device may get at most: ${grantable.join(', ') || 'nothing'})`, 'permissions');
  }
  return [...new Set(requested as DeviceScope[])];
}

/** Everything a device needs to complete the pairing: the server (PUBLIC_URL, never a request's Host), the code, the challenge. */
function pairUri(fields: { pairCode: string; challenge: string; server: string }): string {
  const query = new URLSearchParams({ v: PAIR_VERSION, server: fields.server, code: fields.pairCode, challenge: fields.challenge });
  return `elix://pair?${query}`;
}

/**
 * Starts pairing a device to the caller's owner: a single-use pair code (kept as a hash only) and a
 * challenge the device signs with its ed25519 key. Rate-limited per principal, since each start is
 * a live way in until it expires.
 */
export async function startPairing(deps: Pick<Services, 'db' | 'env' | 'secrets'>, principal: Principal, input: StartPairingInput = {}): Promise<PairingStarted> {
  if (!can(principal, 'pair:start')) throw forbidden('missing scope: pair:start');
  const ttlSeconds = input.ttlSeconds ?? PAIR_TTL_DEFAULT_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > PAIR_TTL_MAX_SECONDS) {
    throw badRequest(`must be a whole number of seconds from 1 to ${PAIR_TTL_MAX_SECONDS}`, 'ttl_seconds');
  }
  const permissions = chosenPermissions(principal, input.permissions);
  const ownerId = pairingOwner(principal);
  await pairStartBudget(deps).take(principalKey(principal));

  const pairCode = randomSecret();
  const challenge = `elix-pair-v${PAIR_VERSION}:${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  // Expired pairings are swept as new ones start (a swept code is refused like a used one).
  await deps.db.delete(pairing).where(lt(pairing.expiresAt, new Date()));
  await deps.db.insert(pairing).values({
    id: newId('pair'),
    codeHash: deps.secrets.hashToken(pairCode),
    challenge,
    permissions,
    ownerId,
    createdBy: `${principal.kind}:${principal.id}`,
    expiresAt,
  });
  return { pairCode, challenge, permissions, expiresAt: expiresAt.toISOString(), elixUri: pairUri({ pairCode, challenge, server: deps.env.publicUrl.replace(/\/$/, '') + (input.basePath ?? '') }), pairVersion: PAIR_VERSION };
}
