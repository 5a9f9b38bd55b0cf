import { z } from 'zod';
import * as devices from '@/server/core/devices';
import { scopedProcedure } from '@/server/api/trpc';

/** Starts pairing a device for the caller's owner; the page shows the pair code and `elixUri` as a QR code. */
export const startPairing = scopedProcedure('pair:start')
  .input(
    z
      .object({
        permissions: z.array(z.enum(devices.DEVICE_SCOPES)).min(1, 'pick at least one scope').optional(),
        ttlSeconds: z.number().int().min(1).max(devices.PAIR_TTL_MAX_SECONDS).optional(),
      })
      .optional(),
  )
  .output(devices.pairingStartedSchema)
  .mutation(({ ctx, input }) =>
    devices.startPairing(ctx.services, ctx.principal, { permissions: input?.permissions, ttlSeconds: input?.ttlSeconds }),
  );
