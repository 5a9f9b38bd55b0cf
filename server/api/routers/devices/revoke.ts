import { z } from 'zod';
import * as devices from '@/server/core/devices';
import { scopedProcedure } from '@/server/api/trpc';

/** Its tokens stop working at once and its open streams close. */
export const revoke = scopedProcedure('devices:write')
  .input(z.object({ address: z.string().min(1), reason: z.string().max(500).optional() }))
  .output(devices.revokedDeviceSchema)
  .mutation(({ ctx, input }) => devices.revokeDevice(ctx.services, ctx.principal, input));
