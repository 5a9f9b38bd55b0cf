/**
 * The approvals inbox: a page of pending (oldest first: it has waited longest) or decided (latest
 * decision first) approvals, each with what a human needs to decide without opening anything else —
 * the workspace, the run's prompt or the session's title, who asked, and who decided. Owner-scoped:
 * another owner's approvals are not listed (the admin sees every owner's).
 */
import { asc, count, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { agentSession, apikey, approval, run, user } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { currentGlobalFence } from '@/server/core/events/read-global';
import type { WorkDeps } from '@/server/core/work/deps';
import { isPendingApproval, PENDING_APPROVAL_STATUSES } from '@/server/core/work/status';
import { approvalDtoSchema, toApprovalDto } from './approval-dto';

export const INBOX_STATES = ['pending', 'decided'] as const;
export type InboxState = (typeof INBOX_STATES)[number];
export const MAX_INBOX_PAGE = 100;

export interface ListApprovalsWithContextInput {
  status: InboxState;
  /** Rows to skip (the page's start) and to return; 25 by default, at most MAX_INBOX_PAGE. */
  offset?: number;
  limit?: number;
}

export const approvalWithContextSchema = approvalDtoSchema.extend({
  /** The workspace the run or session works in. */
  workspace_path: z.string().nullable(),
  /** The run's prompt or the session's title (null for an untitled session). */
  context: z.string().nullable(),
  /** Which face started the work (dashboard, agentd, …) and who, by name where one is known. */
  origin: z.string().nullable(),
  requested_by: z.string().nullable(),
  /** The decider by name (a user's name, a key's name, `admin`), beside `decided_by`'s id. */
  decided_by_name: z.string().nullable(),
});
export type ApprovalWithContext = z.infer<typeof approvalWithContextSchema>;

export const approvalsPageSchema = z.object({
  items: z.array(approvalWithContextSchema),
  total: z.number().int(),
  /**
   * The global stream's position when the page was read: a client subscribing to `events.global`
   * from here misses no later decision or request, and replays no history.
   */
  stream_cursor: z.string(),
});
export type ApprovalsPage = z.infer<typeof approvalsPageSchema>;

const requester = alias(user, 'requester');
const requesterKey = alias(apikey, 'requester_key');
const decider = alias(user, 'decider');
const deciderKey = alias(apikey, 'decider_key');

/** A principal id as people read it: a user's name, a key's name, or the id itself (`admin`). */
function nameOf(id: string | null, userName: string | null, keyName: string | null): string | null {
  if (!id) return null;
  return userName ?? (keyName ? `key ${keyName}` : id);
}

export async function listApprovalsWithContext(deps: WorkDeps, principal: Principal, input: ListApprovalsWithContextInput): Promise<ApprovalsPage> {
  const limit = Math.min(Math.max(input.limit ?? 25, 1), MAX_INBOX_PAGE);
  const offset = Math.max(input.offset ?? 0, 0);
  const pending = isPendingApproval(input.status);
  const state: SQL = pending ? inArray(approval.status, [...PENDING_APPROVAL_STATUSES]) : notInArray(approval.status, [...PENDING_APPROVAL_STATUSES]);
  const where = ownedWhere(principal, approval.ownerId, state);
  // Read before the page, so every event after it reaches a subscriber starting here.
  const fence = await currentGlobalFence(deps.db);
  const order = pending ? [asc(approval.createdAt), asc(approval.id)] : [desc(approval.decidedAt), desc(approval.id)];
  const [rows, [totalRow]] = await Promise.all([
    deps.db
      .select({
        approval,
        runWorkspace: run.workspacePath,
        runPrompt: run.prompt,
        runOrigin: run.origin,
        runCreatedBy: run.createdBy,
        sessionWorkspace: agentSession.workspacePath,
        sessionTitle: agentSession.title,
        sessionOrigin: agentSession.origin,
        sessionCreatedBy: agentSession.createdBy,
        requesterName: requester.name,
        requesterKeyName: requesterKey.name,
        deciderName: decider.name,
        deciderKeyName: deciderKey.name,
      })
      .from(approval)
      .leftJoin(run, eq(run.id, approval.runId))
      .leftJoin(agentSession, eq(agentSession.id, approval.sessionId))
      .leftJoin(requester, eq(requester.id, creatorOf(run.createdBy, agentSession.createdBy)))
      .leftJoin(requesterKey, eq(requesterKey.id, creatorOf(run.createdBy, agentSession.createdBy)))
      .leftJoin(decider, eq(decider.id, approval.decidedBy))
      .leftJoin(deciderKey, eq(deciderKey.id, approval.decidedBy))
      .where(where)
      .orderBy(...order)
      .limit(limit)
      .offset(offset),
    deps.db.select({ n: count() }).from(approval).where(where),
  ]);
  const items = rows.map((r): ApprovalWithContext => {
    const createdBy = r.runCreatedBy ?? r.sessionCreatedBy;
    return {
      ...toApprovalDto(r.approval),
      workspace_path: r.runWorkspace ?? r.sessionWorkspace,
      context: r.approval.runId ? r.runPrompt : r.sessionTitle,
      origin: r.runOrigin ?? r.sessionOrigin,
      requested_by: nameOf(createdBy, r.requesterName, r.requesterKeyName),
      decided_by_name: nameOf(r.approval.decidedBy, r.deciderName, r.deciderKeyName),
    };
  });
  return { items, total: Number(totalRow?.n ?? 0), stream_cursor: String(Math.max(fence - 1, 0)) };
}

/** `coalesce(a, b)`, typed as text: the run's creator, else the session's. */
function creatorOf(a: typeof run.createdBy, b: typeof agentSession.createdBy): SQL<string> {
  return sql<string>`coalesce(${a}, ${b})`;
}
