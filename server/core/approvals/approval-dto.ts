/** A tool call waiting for (or decided by) a human, as every face of the API starts from. */
import { z } from 'zod';
import type { approval } from '@/db/schema';
import { iso, isoTime } from '@/server/core/work/dto';
import { APPROVAL_STATUSES } from '@/server/core/work/status';

export const approvalDtoSchema = z.object({
  id: z.string(),
  status: z.enum(APPROVAL_STATUSES),
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
  created_at: isoTime,
  decided_at: isoTime.nullable(),
  expires_at: isoTime.nullable(),
});
export type ApprovalDto = z.infer<typeof approvalDtoSchema>;

/** What a decision did: the approval it settled and how. */
export const approvalDecisionDtoSchema = z.object({ approvalId: z.string(), status: z.enum(['approved', 'denied'] satisfies z.infer<typeof approvalDtoSchema>['status'][]) });
export type ApprovalDecisionDto = z.infer<typeof approvalDecisionDtoSchema>;

export function toApprovalDto(a: typeof approval.$inferSelect): ApprovalDto {
  return {
    id: a.id,
    status: a.status,
    run_id: a.runId,
    session_id: a.sessionId,
    turn_id: a.turnId,
    step_id: a.stepId,
    tool_call_id: a.toolCallId,
    tool_name: a.toolName,
    category: a.category,
    summary: a.summary,
    input: a.input,
    decided_by: a.decidedBy,
    reason: a.reason,
    created_at: a.createdAt.toISOString(),
    decided_at: iso(a.decidedAt),
    expires_at: iso(a.expiresAt),
  };
}
