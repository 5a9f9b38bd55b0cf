import { and, eq, isNull } from 'drizzle-orm';
import { device, deviceToken } from '@/db/schema';
import { deviceCredential, type Principal } from '@/server/auth/principal';
import { announceRevocation } from '@/server/core/access/revocations';
import { recordAudit } from '@/server/core/audit/record-audit';
import { badRequest } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { managedDevice } from './device-access';

export interface RevokeDeviceInput {
  address: string;
  reason?: string;
}

const REASON_MAX_CHARS = 500;

/**
 * Revokes a device for good: every token it holds stops working at once, and the streams it opened
 * close in every process. Revoking it again changes nothing (the first time and reason stay).
 */
export async function revokeDevice(deps: Pick<Services, 'db' | 'bus'>, principal: Principal, input: RevokeDeviceInput): Promise<{ address: string; revoked: true }> {
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > REASON_MAX_CHARS) throw badRequest(`must be at most ${REASON_MAX_CHARS} characters`, 'reason');
  const target = await managedDevice(deps, principal, input.address);
  const now = new Date();
  await deps.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(device)
      .set({ revokedAt: now, revokeReason: reason })
      .where(and(eq(device.address, target.address), isNull(device.revokedAt)))
      .returning({ address: device.address });
    await tx.update(deviceToken).set({ revokedAt: now }).where(and(eq(deviceToken.deviceAddress, target.address), isNull(deviceToken.revokedAt)));
    if (revoked) await recordAudit(tx, principal, 'device.revoked', { kind: 'device', id: target.address, detail: { name: target.name, owner: target.ownerId, reason } });
  });
  await announceRevocation(deps, deviceCredential(target.address));
  return { address: target.address, revoked: true };
}
