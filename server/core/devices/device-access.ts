import { eq } from 'drizzle-orm';
import { device } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { forbidden, notFound } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';

/**
 * The device a principal may rename or revoke: one of its owner's (the admin: any; another owner's
 * is 404 like an unknown address). A device manages only itself: another device of the same owner
 * is 403.
 */
export async function managedDevice(deps: Pick<Services, 'db'>, principal: Principal, address: string): Promise<typeof device.$inferSelect> {
  const [row] = await deps.db.select().from(device).where(ownedWhere(principal, device.ownerId, eq(device.address, address))).limit(1);
  if (!row) throw notFound('device', 'DEVICE_NOT_FOUND');
  if (principal.kind === 'device' && principal.id !== row.address) throw forbidden('a device may rename or revoke only itself');
  return row;
}
