import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { setting } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { AppError } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { emergencyStateSchema, type EmergencyState } from './emergency-dto';

const KEY = 'emergency_stop';

export const EMERGENCY_OFF: EmergencyState = { active: false, reason: null, activated_at: null };

export async function readEmergencyState(db: Db): Promise<EmergencyState> {
  const [row] = await db.select({ value: setting.value }).from(setting).where(eq(setting.key, KEY)).limit(1);
  const parsed = emergencyStateSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : { ...EMERGENCY_OFF };
}

export async function writeEmergencyState(db: Db, state: EmergencyState): Promise<void> {
  await db
    .insert(setting)
    .values({ key: KEY, value: state })
    .onConflictDoUpdate({ target: setting.key, set: { value: state, updatedAt: new Date() } });
}

export function getEmergencyState(deps: WorkDeps, _principal: Principal, _input: Record<string, never> = {}): Promise<EmergencyState> {
  return readEmergencyState(deps.db);
}

/** New work is refused while the emergency stop is on (it survives restarts: it is stored). */
export async function assertNoEmergencyStop(db: Db): Promise<void> {
  const state = await readEmergencyState(db);
  if (state.active) {
    throw new AppError('SERVICE_UNAVAILABLE', `emergency_stop_active: new work is refused${state.reason ? ` (${state.reason})` : ''}`, {
      code: 'EMERGENCY_STOP_ACTIVE',
    });
  }
}
