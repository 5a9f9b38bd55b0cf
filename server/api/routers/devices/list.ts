import { z } from 'zod';
import * as devices from '@/server/core/devices';
import { scopedProcedure } from '@/server/api/trpc';

/** The caller's paired devices; an admin sees every owner's. */
export const list = scopedProcedure('devices:read')
  .input(z.void())
  .output(z.array(devices.deviceSchema))
  .query(({ ctx }) => devices.listDevices(ctx.services, ctx.principal));
