import { inArray } from 'drizzle-orm';
import { run, turn } from '@/db/schema';
import { cancelRun } from '@/server/core/runs/cancel-run';
import { cancelTurn } from '@/server/core/sessions/cancel-turn';
import type { WorkDeps } from '@/server/core/work/deps';
import { getEmergencyState, setEmergencyState, type EmergencyState } from './emergency-state';

/**
 * The emergency stop: refuses new work from now on (stored, so it survives restarts) and cancels
 * everything active. Returns how many runs it cancelled.
 */
export async function activateEmergencyStop(deps: WorkDeps, reason: string | undefined): Promise<EmergencyState & { cancelled_runs: number }> {
  const current = await getEmergencyState(deps.db);
  const state: EmergencyState = current.active ? current : { active: true, reason: reason ?? null, activated_at: new Date().toISOString() };
  await setEmergencyState(deps.db, state);
  const runs = await deps.db.select({ id: run.id }).from(run).where(inArray(run.status, ['queued', 'running', 'waiting_approval']));
  const turns = await deps.db.select({ id: turn.id, sessionId: turn.sessionId }).from(turn).where(inArray(turn.status, ['pending', 'running', 'waiting_approval']));
  const results = await Promise.allSettled([
    ...runs.map((r) => cancelRun(deps, r.id)),
    ...turns.map((t) => cancelTurn(deps, t.sessionId, { turnId: t.id })),
  ]);
  const cancelledRuns = results.slice(0, runs.length).filter((r) => r.status === 'fulfilled').length;
  return { ...state, cancelled_runs: cancelledRuns };
}

export async function resumeFromEmergencyStop(deps: Pick<WorkDeps, 'db'>): Promise<EmergencyState> {
  const state: EmergencyState = { active: false, reason: null, activated_at: null };
  await setEmergencyState(deps.db, state);
  return state;
}
