import { z } from 'zod';
import * as devices from '@/server/core/devices';
import { scopedProcedure } from '@/server/api/trpc';

export const rename = scopedProcedure('devices:write')
  .input(z.object({ address: z.string().min(1), name: z.string().trim().min(1).max(devices.DEVICE_NAME_MAX_CHARS) }))
  .output(devices.renamedDeviceSchema)
  .mutation(({ ctx, input }) => devices.renameDevice(ctx.services, ctx.principal, input));
