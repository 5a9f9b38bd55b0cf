import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { setting } from '@/db/schema';
import { AppError } from '@/server/core/shared/errors';

export interface EmergencyState {
  active: boolean;
  reason: string | null;
  activated_at: string | null;
}

const KEY = 'emergency_stop';

export async function getEmergencyState(db: Db): Promise<EmergencyState> {
  const [row] = await db.select().from(setting).where(eq(setting.key, KEY)).limit(1);
  return (row?.value as EmergencyState | undefined) ?? { active: false, reason: null, activated_at: null };
}

export async function setEmergencyState(db: Db, state: EmergencyState): Promise<void> {
  await db
    .insert(setting)
    .values({ key: KEY, value: state })
    .onConflictDoUpdate({ target: setting.key, set: { value: state, updatedAt: new Date() } });
}

/** New work is refused while the emergency stop is on (it survives restarts: it is stored). */
export async function assertNoEmergencyStop(db: Db): Promise<void> {
  const state = await getEmergencyState(db);
  if (state.active) {
    throw new AppError('SERVICE_UNAVAILABLE', `emergency_stop_active: new work is refused${state.reason ? ` (${state.reason})` : ''}`, {
      code: 'EMERGENCY_STOP_ACTIVE',
    });
  }
}
