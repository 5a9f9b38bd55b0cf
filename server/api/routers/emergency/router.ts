import { z } from 'zod';
import { getEmergencyState } from '@/server/core/emergency/emergency-state';
import { activateEmergencyStop, resumeFromEmergencyStop } from '@/server/core/emergency/emergency-stop';
import { router, scopedProcedure } from '@/server/api/trpc';

const state = z.object({ active: z.boolean(), reason: z.string().nullable(), activated_at: z.string().nullable() });

export const emergencyRouter = router({
  status: scopedProcedure('runs:read')
    .input(z.void())
    .output(state)
    .query(({ ctx }) => getEmergencyState(ctx.services.db)),
  stop: scopedProcedure('admin')
    .input(z.object({ reason: z.string().max(500).optional() }))
    .output(state.extend({ cancelled_runs: z.number() }))
    .mutation(({ ctx, input }) => activateEmergencyStop(ctx.services, input.reason)),
  resume: scopedProcedure('admin')
    .input(z.void())
    .output(state)
    .mutation(({ ctx }) => resumeFromEmergencyStop(ctx.services)),
});
