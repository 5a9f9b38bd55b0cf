import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { approval } from '@/db/schema';

export interface ApprovalDto {
  id: string;
  status: string;
  run_id: string | null;
  session_id: string | null;
  turn_id: string | null;
  step_id: string;
  tool_call_id: string;
  tool_name: string;
  category: string;
  summary: string;
  input: unknown;
  decided_by: string | null;
  reason: string | null;
  created_at: string;
  decided_at: string | null;
  expires_at: string | null;
}

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
    decided_at: a.decidedAt?.toISOString() ?? null,
    expires_at: a.expiresAt?.toISOString() ?? null,
  };
}

export async function listApprovals(db: Db, filter: { status?: string; sessionId?: string; runId?: string } = {}): Promise<ApprovalDto[]> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(approval.status, filter.status));
  if (filter.sessionId) conditions.push(eq(approval.sessionId, filter.sessionId));
  if (filter.runId) conditions.push(eq(approval.runId, filter.runId));
  const rows = await db.select().from(approval).where(conditions.length ? and(...conditions) : undefined).orderBy(desc(approval.createdAt)).limit(500);
  return rows.map(toApprovalDto);
}
