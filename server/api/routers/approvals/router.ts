/** The approvals inbox: everything waiting for a human, across runs and sessions. */
import { z } from 'zod';
import { decideApproval } from '@/server/core/approvals/decide-approval';
import { listApprovals } from '@/server/core/approvals/list-approvals';
import { authedProcedure, router } from '@/server/api/trpc';
import { can } from '@/server/auth/principal';
import { forbidden } from '@/server/core/shared/errors';

const approvalOutput = z.object({
  id: z.string(),
  status: z.string(),
  run_id: z.string().nullable(),
  session_id: z.string().nullable(),
  turn_id: z.string().nullable(),
  step_id: z.string(),
  tool_call_id: z.string(),
  tool_name: z.string(),
  category: z.string(),
  summary: z.string(),
  input: z.unknown(),
  decided_by: z.string().nullable(),
  reason: z.string().nullable(),
  created_at: z.string(),
  decided_at: z.string().nullable(),
  expires_at: z.string().nullable(),
});

export const approvalsRouter = router({
  list: authedProcedure
    .input(z.object({ status: z.enum(['pending', 'approved', 'denied', 'expired']).optional() }).default({}))
    .output(z.array(approvalOutput))
    .query(async ({ ctx, input }) => {
      if (!can(ctx.principal, 'runs:read') && !can(ctx.principal, 'sessions:read')) throw forbidden('missing scope: runs:read');
      return listApprovals(ctx.services.db, input);
    }),
  decide: authedProcedure
    .input(z.object({ id: z.string(), approve: z.boolean(), reason: z.string().max(2000).optional() }))
    .output(z.object({ approvalId: z.string(), status: z.enum(['approved', 'denied']) }))
    .mutation(({ ctx, input }) => {
      if (!can(ctx.principal, 'runs:submit') && !can(ctx.principal, 'sessions:write')) throw forbidden('missing scope: sessions:write');
      return decideApproval(ctx.services, ctx.principal, { approvalId: input.id }, { approve: input.approve, reason: input.reason });
    }),
});
