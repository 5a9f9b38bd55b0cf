import { desc } from 'drizzle-orm';
import { device } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownerFilter } from '@/server/core/access/owner-scope';
import type { Services } from '@/server/services';
import { toDeviceDto, type DeviceDto } from './device-dto';

/** The owner's paired devices (the admin: every owner's), newest first, revoked ones included. */
export async function listDevices(deps: Pick<Services, 'db'>, principal: Principal): Promise<DeviceDto[]> {
  const rows = await deps.db.select().from(device).where(ownerFilter(principal, device.ownerId)).orderBy(desc(device.createdAt));
  return rows.map(toDeviceDto);
}
