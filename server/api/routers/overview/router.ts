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
});
