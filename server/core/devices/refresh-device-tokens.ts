import { and, eq, gt, isNull } from 'drizzle-orm';
import { device, deviceToken } from '@/db/schema';
import { isDeviceRefreshToken } from '@/server/auth/device-tokens';
import { deviceFamilyCredential, deviceTokenCredential, type Principal } from '@/server/auth/principal';
import { announceRevocation } from '@/server/core/access/revocations';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { unauthorized } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import type { DeviceTokens } from './device-dto';
import { issueDeviceTokens } from './device-tokens';

export interface RefreshDeviceTokensInput {
  refreshToken: string;
}

type Outcome = { kind: 'rotated'; tokens: DeviceTokens; rotatedAway: string[] } | { kind: 'reused'; familyId: string } | { kind: 'refused' };

const refused = () => unauthorized('invalid, expired or already used refresh token');

/**
 * Rotates a device's tokens: the presented refresh token is spent, the family's access token is
 * retired with it, and a new pair of the same family is issued.
 *
 * The refresh token is spent by one conditional update, so of two refreshes racing with the same
 * token exactly one wins; the other finds it spent — which is what a stolen token replayed looks
 * like, so the whole family is revoked (RFC 9700 refresh token reuse detection) and every token of
 * it, the winner's new pair included, stops working.
 */
export async function refreshDeviceTokens(deps: Pick<Services, 'db' | 'bus' | 'secrets'>, _caller: Principal | null, input: RefreshDeviceTokensInput): Promise<DeviceTokens> {
  if (!isDeviceRefreshToken(input.refreshToken)) throw refused();
  const tokenHash = deps.secrets.hashToken(input.refreshToken);
  const outcome = await inTransaction<Outcome>(deps, async (tx) => {
    const now = new Date();
    const [spent] = await tx
      .update(deviceToken)
      .set({ usedAt: now })
      .where(and(eq(deviceToken.tokenHash, tokenHash), eq(deviceToken.kind, 'refresh'), isNull(deviceToken.usedAt), isNull(deviceToken.revokedAt), gt(deviceToken.expiresAt, now)))
      .returning({ familyId: deviceToken.familyId, address: deviceToken.deviceAddress });
    if (!spent) {
      const [known] = await tx
        .select({ familyId: deviceToken.familyId, usedAt: deviceToken.usedAt, revokedAt: deviceToken.revokedAt })
        .from(deviceToken)
        .where(and(eq(deviceToken.tokenHash, tokenHash), eq(deviceToken.kind, 'refresh')))
        .limit(1);
      return known?.usedAt && !known.revokedAt ? { kind: 'reused', familyId: known.familyId } : { kind: 'refused' };
    }
    const [owner] = await tx.select().from(device).where(eq(device.address, spent.address)).limit(1);
    if (!owner || owner.revokedAt) return { kind: 'refused' };
    const retired = await tx
      .update(deviceToken)
      .set({ usedAt: now })
      .where(and(eq(deviceToken.familyId, spent.familyId), eq(deviceToken.kind, 'access'), isNull(deviceToken.usedAt)))
      .returning({ id: deviceToken.id });
    await tx.update(device).set({ lastSeenAt: now }).where(eq(device.address, owner.address));
    const tokens = await issueDeviceTokens(deps, tx, owner, spent.familyId);
    return { kind: 'rotated', tokens, rotatedAway: retired.map((r) => r.id) };
  });

  if (outcome.kind === 'reused') {
    await revokeTokenFamily(deps, outcome.familyId);
    throw unauthorized('refresh token already used: every token of its family is revoked; pair the device again');
  }
  if (outcome.kind === 'refused') throw refused();
  // Other processes' caches forget the retired access token now, not when their entries expire.
  for (const id of outcome.rotatedAway) await announceRevocation(deps, deviceTokenCredential(id), { keepStreams: true });
  return outcome.tokens;
}

/** Revokes every token of a family and ends what they opened, in every process. */
export async function revokeTokenFamily(deps: Pick<Services, 'db' | 'bus'>, familyId: string): Promise<void> {
  await deps.db.update(deviceToken).set({ revokedAt: new Date() }).where(and(eq(deviceToken.familyId, familyId), isNull(deviceToken.revokedAt)));
  await announceRevocation(deps, deviceFamilyCredential(familyId));
}
