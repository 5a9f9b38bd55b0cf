/** EchoHelix's wire shapes for the emergency stop. */
import { z } from 'zod';
import type * as emergency from '@/server/core/emergency';
import { isoTime } from '../../schemas';

/**
 * `reason` is a string (empty when none was given) and `activated_at` is left out while the stop is
 * off: EchoHelix documents both as non-null strings, so a strict client never meets a null.
 */
export const echohelixEmergencyState = z.object({ active: z.boolean(), reason: z.string(), activated_at: isoTime.optional() });
export const echohelixEmergencyStop = echohelixEmergencyState.extend({ cancelled_runs: z.number().int() });

export const emergencyStopBody = z.object({ reason: z.string().max(500).optional() }).optional();

export function toEchohelixEmergencyState(state: emergency.EmergencyState): z.input<typeof echohelixEmergencyState> {
  return { active: state.active, reason: state.reason ?? '', ...(state.activated_at ? { activated_at: state.activated_at } : {}) };
}

export function toEchohelixEmergencyStop(result: emergency.EmergencyStopResult): z.input<typeof echohelixEmergencyStop> {
  return { ...toEchohelixEmergencyState(result), cancelled_runs: result.cancelled_runs };
}
