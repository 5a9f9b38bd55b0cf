/** The emergency stop for the dashboard and SDK. */
import { z } from 'zod';
import * as emergency from '@/server/core/emergency';
import { router, scopedProcedure } from '@/server/api/trpc';

export const emergencyRouter = router({
  status: scopedProcedure('runs:read')
    .input(z.void())
    .output(emergency.emergencyStateSchema)
    .query(({ ctx }) => emergency.getEmergencyState(ctx.services, ctx.principal, {})),
  stop: scopedProcedure('admin')
    .input(z.object({ reason: z.string().max(500).optional() }))
    .output(emergency.emergencyStopResultSchema)
    .mutation(({ ctx, input }) => emergency.activateEmergencyStop(ctx.services, ctx.principal, input)),
  resume: scopedProcedure('admin')
    .input(z.void())
    .output(emergency.emergencyStateSchema)
    .mutation(({ ctx }) => emergency.resumeFromEmergencyStop(ctx.services, ctx.principal, {})),
});
