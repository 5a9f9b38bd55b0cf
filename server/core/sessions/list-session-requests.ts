import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { approval, sessionRequest } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import type { WorkDeps } from '@/server/core/work/deps';
import { isPendingApproval, PENDING_APPROVAL_STATUSES } from '@/server/core/work/status';
import { findSessionRow } from './find-session';
import { approvalMethodOf, type SessionRequestKind } from './session-request-kinds';

/** What an approval request asks, in the terms every face shows (Codex's, for EchoHelix). */
export interface ApprovalRequestView {
  approvalId: string;
  status: string;
  /** The exact command (bash), or what a file change touches. */
  command: string;
  cwd: string;
  reason: string | null;
  /** The backend's thread (Codex's thread id), when the session has one. */
  threadId: string | null;
  /** The backend's item the request is about (Codex's item id, or the tool call's id). */
  itemId: string | null;
}

export interface SessionRequestDto {
  requestId: string;
  sessionId: string;
  turnId: string | null;
  method: string;
  kind: SessionRequestKind;
  params: Record<string, unknown>;
  createdAt: Date;
  resolvedAt: Date | null;
  resolved: boolean;
  /** Set for approval requests: the core approval standing for it. */
  approval?: ApprovalRequestView;
}

export interface ListSessionRequestsInput {
  sessionId: string;
  pendingOnly?: boolean;
  /** Only approval requests. */
  approvalsOnly?: boolean;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/**
 * The requests a session's backend is waiting on (or, without `pendingOnly`, has waited on), oldest
 * first: those its interactive backend sent (Codex app-server), and, for a session of any backend,
 * the core approvals its turns wait for, presented as approval requests of the same shape (method
 * `item/commandExecution/requestApproval` for bash, `item/fileChange/requestApproval` for writes),
 * so one client handles both. Another owner's session → SESSION_NOT_FOUND.
 */
export async function listSessionRequests(deps: WorkDeps, principal: Principal, input: ListSessionRequestsInput): Promise<SessionRequestDto[]> {
  const session = await findSessionRow(deps.db, principal, input.sessionId);
  const threadId = str(record(session.metadata).thread_id) ?? null;

  const requestWhere: SQL[] = [eq(sessionRequest.sessionId, session.id)];
  if (input.pendingOnly) requestWhere.push(isNull(sessionRequest.resolvedAt));
  if (input.approvalsOnly) requestWhere.push(eq(sessionRequest.kind, 'approval'));
  const rows = await deps.db.select().from(sessionRequest).where(ownedWhere(principal, sessionRequest.ownerId, and(...requestWhere))).orderBy(asc(sessionRequest.createdAt));
  const linked = rows.flatMap((r) => (r.approvalId ? [r.approvalId] : []));
  const linkedApprovals = linked.length ? await deps.db.select().from(approval).where(inArray(approval.id, linked)) : [];
  const approvalById = new Map(linkedApprovals.map((a) => [a.id, a]));

  const fromBackend: SessionRequestDto[] = rows.map((r) => {
    const params = record(r.params);
    const a = r.approvalId ? approvalById.get(r.approvalId) : undefined;
    return {
      requestId: r.id,
      sessionId: r.sessionId,
      turnId: r.turnId,
      method: r.method,
      kind: r.kind,
      params,
      createdAt: r.createdAt,
      resolvedAt: r.resolvedAt,
      resolved: r.resolvedAt !== null,
      ...(r.kind === 'approval'
        ? {
            approval: {
              approvalId: a?.id ?? r.id,
              status: a?.status ?? (r.resolvedAt ? 'resolved' : 'pending'),
              command: a?.summary ?? str(params.command) ?? '',
              cwd: str(params.cwd) ?? session.workspacePath,
              reason: str(params.reason) ?? null,
              threadId: str(params.threadId) ?? threadId,
              itemId: str(params.itemId) ?? null,
            },
          }
        : {}),
    };
  });

  // Core approvals no backend request stands for: the engine's own tool calls waiting for a human.
  // Asked in the same statement, so an approval committed with its request between the two reads
  // is never taken for one of these.
  const approvalWhere: SQL[] = [
    eq(approval.sessionId, session.id),
    sql`not exists (select 1 from ${sessionRequest} where ${sessionRequest.approvalId} = ${approval.id})`,
  ];
  if (input.pendingOnly) approvalWhere.push(inArray(approval.status, PENDING_APPROVAL_STATUSES));
  const ownApprovals = await deps.db.select().from(approval).where(ownedWhere(principal, approval.ownerId, and(...approvalWhere))).orderBy(asc(approval.createdAt));
  const fromEngine: SessionRequestDto[] = ownApprovals.map((a) => {
    const pending = isPendingApproval(a.status);
    const params = { threadId, turnId: a.turnId, itemId: a.toolCallId, reason: `approval needed: ${a.summary}`, command: a.summary, cwd: session.workspacePath, toolName: a.toolName, input: a.input };
    return {
      requestId: a.id,
      sessionId: session.id,
      turnId: a.turnId,
      method: approvalMethodOf(a.category),
      kind: 'approval' as const,
      params,
      createdAt: a.createdAt,
      resolvedAt: pending ? null : (a.decidedAt ?? a.createdAt),
      resolved: !pending,
      approval: { approvalId: a.id, status: a.status, command: a.summary, cwd: session.workspacePath, reason: params.reason, threadId, itemId: a.toolCallId },
    };
  });

  return [...fromBackend, ...fromEngine].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime());
}
