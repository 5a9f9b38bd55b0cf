/** The approvals inbox: everything waiting for a human, across runs and sessions. */
import { z } from 'zod';
import * as approvals from '@/server/core/approvals';
import { APPROVAL_STATUSES } from '@/server/core/work/status';
import { authedProcedure, router } from '@/server/api/trpc';
import { can } from '@/server/auth/principal';
import { forbidden } from '@/server/core/shared/errors';

function assertMayRead(principal: Parameters<typeof can>[0]) {
  if (!can(principal, 'runs:read') && !can(principal, 'sessions:read')) throw forbidden('missing scope: runs:read or sessions:read');
}

export const approvalsRouter = router({
  /** The inbox: a page of pending or decided approvals with the context to decide them. */
  inbox: authedProcedure
    .input(
      z.object({
        status: z.enum(approvals.INBOX_STATES),
        offset: z.number().int().min(0).max(1_000_000).optional(),
        limit: z.number().int().min(1).max(approvals.MAX_INBOX_PAGE).optional(),
      }),
    )
    .output(approvals.approvalsPageSchema)
    .query(({ ctx, input }) => {
      assertMayRead(ctx.principal);
      return approvals.listApprovalsWithContext(ctx.services, ctx.principal, input);
    }),
  list: authedProcedure
    .input(z.object({ status: z.enum(APPROVAL_STATUSES).optional() }).default({}))
    .output(z.array(approvals.approvalDtoSchema))
    .query(({ ctx, input }) => {
      assertMayRead(ctx.principal);
      return approvals.listApprovals(ctx.services, ctx.principal, input);
    }),
  decide: authedProcedure
    .input(z.object({ id: z.string(), approve: z.boolean(), reason: z.string().max(2000).optional() }))
    .output(approvals.approvalDecisionDtoSchema)
    .mutation(({ ctx, input }) => {
      if (!can(ctx.principal, 'runs:submit') && !can(ctx.principal, 'sessions:write')) throw forbidden('missing scope: runs:submit or sessions:write');
      return approvals.decideApproval(ctx.services, ctx.principal, { approvalId: input.id, approve: input.approve, reason: input.reason });
    }),
});
