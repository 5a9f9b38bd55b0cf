/** The dashboard's overview: what needs the operator now, in one read. */
import { z } from 'zod';
import * as overview from '@/server/core/overview';
import { authedProcedure, router } from '@/server/api/trpc';
import { can } from '@/server/auth/principal';
import { forbidden } from '@/server/core/shared/errors';

export const overviewRouter = router({
  get: authedProcedure
    .input(z.void())
    .output(overview.overviewSchema)
    .query(({ ctx }) => {
      if (!can(ctx.principal, 'runs:read') && !can(ctx.principal, 'sessions:read')) throw forbidden('missing scope: runs:read or sessions:read');
      return overview.getOverview(ctx.services, ctx.principal, {});
    }),
  /** Where the global stream is now: `events.global` resumed from here hears every later change. */
  position: authedProcedure
    .input(z.void())
    .output(z.object({ stream_position: z.string() }))
    .query(({ ctx }) => overview.getStreamPosition(ctx.services, ctx.principal, {})),
});
