import { and, desc, eq, type SQL } from 'drizzle-orm';
import { approval } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import type { WorkDeps } from '@/server/core/work/deps';
import type { ApprovalStatus } from '@/server/core/work/status';
import { toApprovalDto, type ApprovalDto } from './approval-dto';

export interface ListApprovalsInput {
  status?: ApprovalStatus;
  sessionId?: string;
  runId?: string;
}

/** The principal's approvals, newest first (the latest 500). */
export async function listApprovals(deps: WorkDeps, principal: Principal, input: ListApprovalsInput = {}): Promise<ApprovalDto[]> {
  const conditions: SQL[] = [];
  if (input.status) conditions.push(eq(approval.status, input.status));
  if (input.sessionId) conditions.push(eq(approval.sessionId, input.sessionId));
  if (input.runId) conditions.push(eq(approval.runId, input.runId));
  const rows = await deps.db.select().from(approval).where(ownedWhere(principal, approval.ownerId, conditions.length ? and(...conditions) : undefined)).orderBy(desc(approval.createdAt)).limit(500);
  return rows.map(toApprovalDto);
}
