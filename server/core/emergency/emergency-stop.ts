import { inArray } from 'drizzle-orm';
import { run, turn } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actorOf } from '@/server/core/access/owner-scope';
import { EMERGENCY_STREAM } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { cancelRun } from '@/server/core/runs/cancel-run';
import { cancelTurn } from '@/server/core/sessions/cancel-turn';
import type { WorkDeps } from '@/server/core/work/deps';
import { ACTIVE_RUN_STATUSES, ACTIVE_TURN_STATUSES } from '@/server/core/work/status';
import type { EmergencyState, EmergencyStopResult } from './emergency-dto';
import { EMERGENCY_OFF, readEmergencyState, writeEmergencyState } from './emergency-state';

/**
 * The emergency stop: refuses new work from now on (stored, so it survives restarts) and cancels
 * everything active. Returns how many runs it cancelled.
 */
export async function activateEmergencyStop(deps: WorkDeps, principal: Principal, input: { reason?: string } = {}): Promise<EmergencyStopResult> {
  const current = await readEmergencyState(deps.db);
  const state: EmergencyState = current.active ? current : { active: true, reason: input.reason ?? null, activated_at: new Date().toISOString() };
  await writeEmergencyState(deps.db, state);
  await recordEmergencyEvent(deps, principal, 'emergency_stop_activated', { reason: state.reason });
  const runs = await deps.db.select({ id: run.id }).from(run).where(inArray(run.status, ACTIVE_RUN_STATUSES));
  const turns = await deps.db.select({ id: turn.id, sessionId: turn.sessionId }).from(turn).where(inArray(turn.status, ACTIVE_TURN_STATUSES));
  const results = await Promise.allSettled([
    ...runs.map((r) => cancelRun(deps, principal, { id: r.id })),
    ...turns.map((t) => cancelTurn(deps, principal, { sessionId: t.sessionId, turnId: t.id })),
  ]);
  const cancelledRuns = results.slice(0, runs.length).filter((r) => r.status === 'fulfilled').length;
  return { ...state, cancelled_runs: cancelledRuns };
}

export async function resumeFromEmergencyStop(deps: WorkDeps, principal: Principal, _input: Record<string, never> = {}): Promise<EmergencyState> {
  const state: EmergencyState = { ...EMERGENCY_OFF };
  await writeEmergencyState(deps.db, state);
  await recordEmergencyEvent(deps, principal, 'emergency_stop_released', {});
  return state;
}

/** Who stopped or resumed the server, in the event log (the admin's global stream shows it). */
function recordEmergencyEvent(deps: WorkDeps, principal: Principal, type: string, data: Record<string, unknown>): Promise<void> {
  return inTransaction(deps, (_tx, emit) => emit(EMERGENCY_STREAM, { type, data: { ...data, actor: actorOf(principal) } }));
}
