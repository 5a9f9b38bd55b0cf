import { randomBytes } from 'node:crypto';
import { deviceToken } from '@/db/schema';
import { DEVICE_ACCESS_PREFIX, DEVICE_ACCESS_TTL_MS, DEVICE_REFRESH_PREFIX, DEVICE_REFRESH_TTL_MS } from '@/server/auth/device-tokens';
import type { Tx } from '@/server/core/events/append-event';
import { newId } from '@/server/core/shared/ids';
import type { Services } from '@/server/services';
import type { DeviceTokens } from './device-dto';

/** 256 random bits: guessing one is hopeless. */
export const randomSecret = () => randomBytes(32).toString('base64url');

/** Issues an access/refresh pair in `familyId` (stored as hashes only) and returns it in the clear, once. */
export async function issueDeviceTokens(
  deps: Pick<Services, 'secrets'>,
  tx: Tx,
  device: { address: string; permissions: readonly string[] },
  familyId: string,
): Promise<DeviceTokens> {
  const now = Date.now();
  const access = { token: DEVICE_ACCESS_PREFIX + randomSecret(), expiresAt: new Date(now + DEVICE_ACCESS_TTL_MS) };
  const refresh = { token: DEVICE_REFRESH_PREFIX + randomSecret(), expiresAt: new Date(now + DEVICE_REFRESH_TTL_MS) };
  await tx.insert(deviceToken).values(
    (['access', 'refresh'] as const).map((kind) => {
      const issued = kind === 'access' ? access : refresh;
      return { id: newId('dtok'), tokenHash: deps.secrets.hashToken(issued.token), kind, deviceAddress: device.address, familyId, expiresAt: issued.expiresAt };
    }),
  );
  return {
    address: device.address,
    scopes: [...device.permissions],
    accessToken: access.token,
    refreshToken: refresh.token,
    expiresAt: access.expiresAt.toISOString(),
    refreshExpiresAt: refresh.expiresAt.toISOString(),
  };
}
