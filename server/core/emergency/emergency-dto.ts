import { z } from 'zod';
import { isoTime } from '@/server/core/work/dto';

export const emergencyStateSchema = z.object({ active: z.boolean(), reason: z.string().nullable(), activated_at: isoTime.nullable() });
export type EmergencyState = z.infer<typeof emergencyStateSchema>;

/** The state after a stop, with how many runs the stop cancelled. */
export const emergencyStopResultSchema = emergencyStateSchema.extend({ cancelled_runs: z.number() });
export type EmergencyStopResult = z.infer<typeof emergencyStopResultSchema>;
