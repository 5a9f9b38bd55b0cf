import { z } from 'zod';
import * as audit from '@/server/core/audit';
import { authedProcedure } from '@/server/api/trpc';

/** Account actions, newest first: the admin sees everyone's, anyone else their own. */
export const list = authedProcedure
  .input(
    z
      .object({
        limit: z.number().int().min(1).max(200).optional(),
        before: z.string().min(1).optional(),
        action: z.enum(audit.AUDIT_ACTIONS).optional(),
        actor: z.string().min(1).max(200).optional(),
      })
      .optional(),
  )
  .output(z.array(audit.auditEntrySchema))
  .query(({ ctx, input }) => audit.listAudit(ctx.services, ctx.principal, input ?? {}));
