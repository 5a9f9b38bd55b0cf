/** Signed-in sessions: list the principal's own (the admin: everyone's) and sign one out. */
import { z } from 'zod';
import * as access from '@/server/core/access';
import { router, scopedProcedure } from '@/server/api/trpc';

// Managing one's account (keys, sessions) is what `keys:write` grants; every signed-in user holds it.
export const accessRouter = router({
  sessions: scopedProcedure('keys:write')
    .input(z.void())
    .output(z.array(access.signInSessionSchema))
    .query(({ ctx }) => access.listSignInSessions(ctx.services, ctx.principal)),
  revokeSession: scopedProcedure('keys:write')
    .input(z.object({ kind: z.enum(access.SIGN_IN_SESSION_KINDS), id: z.string().min(1).max(200) }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => access.revokeSignInSession(ctx.services, ctx.principal, input)),
});
