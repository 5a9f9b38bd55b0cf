import { eq } from 'drizzle-orm';
import { device } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { badRequest } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { DEVICE_NAME_MAX_CHARS } from './device-dto';
import { managedDevice } from './device-access';

export interface RenameDeviceInput {
  address: string;
  name: string;
}

export async function renameDevice(deps: Pick<Services, 'db'>, principal: Principal, input: RenameDeviceInput): Promise<{ address: string; renamed: true }> {
  const name = input.name.trim();
  if (!name) throw badRequest('must not be empty', 'name');
  if (name.length > DEVICE_NAME_MAX_CHARS) throw badRequest(`must be at most ${DEVICE_NAME_MAX_CHARS} characters`, 'name');
  const target = await managedDevice(deps, principal, input.address);
  await deps.db.update(device).set({ name }).where(eq(device.address, target.address));
  return { address: target.address, renamed: true };
}
