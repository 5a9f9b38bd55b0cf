/**
 * The overview read model: what needs the operator now. Pending approvals (oldest first: they have
 * waited longest), active runs and sessions, today's usage against the daily token quotas, the
 * backends and whether they answer, recent failures, and the emergency stop. Owner-scoped through
 * server/core/access/owner-scope.ts like every other read: the admin sees every owner's work, anyone
 * else their owner's; each part needs the scope that reads it elsewhere (runs:read, sessions:read,
 * backends:read) and is null without it.
 */
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import { agentSession, approval, run, turn } from '@/db/schema';
import { can, type Principal } from '@/server/auth/principal';
import { ownedWhere, seesEveryOwner } from '@/server/core/access/owner-scope';
import { toApprovalDto } from '@/server/core/approvals/approval-dto';
import { readEmergencyState } from '@/server/core/emergency/emergency-state';
import { tokensUsedToday, utcDayStart } from '@/server/core/usage/quota';
import { usageSummary } from '@/server/core/usage/usage-summary';
import type { WorkDeps } from '@/server/core/work/deps';
import { ACTIVE_RUN_STATUSES, ACTIVE_TURN_STATUSES, PENDING_APPROVAL_STATUSES, RUN_STATUSES, TURN_STATUSES, isFailed } from '@/server/core/work/status';
import { backendHealth } from './backend-health';
import { getStreamPosition } from './stream-position';
import type { Overview, OverviewFailure } from './overview-dto';

/** How many of each list the overview shows (the counts are complete). */
export const OVERVIEW_LIMITS = { approvals: 20, runs: 10, sessions: 10, failures: 5 } as const;

const FAILED_RUN_STATUSES = RUN_STATUSES.filter(isFailed);
const FAILED_TURN_STATUSES = TURN_STATUSES.filter(isFailed);

const firstLine = (text: string, max = 120) => {
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export async function getOverview(deps: WorkDeps, principal: Principal, _input: Record<string, never> = {}): Promise<Overview> {
  // Read first: every event below it is already visible to the reads that follow, so a reader that
  // resumes the global stream after it misses nothing (it may hear of a change twice: harmless).
  const { stream_position } = await getStreamPosition(deps, principal);
  const readsRuns = can(principal, 'runs:read');
  const readsSessions = can(principal, 'sessions:read');
  const readsBackends = can(principal, 'backends:read');

  const [emergency, approvals, runs, sessions, failures, usageToday, backends] = await Promise.all([
    readEmergencyState(deps.db),
    pendingApprovals(deps, principal),
    readsRuns ? activeRuns(deps, principal) : null,
    readsSessions ? activeSessions(deps, principal) : null,
    recentFailures(deps, principal, { runs: readsRuns, sessions: readsSessions }),
    readsBackends ? todaysUsage(deps, principal) : null,
    readsBackends ? backendHealth(deps.backends.list()) : null,
  ]);

  return {
    scope: seesEveryOwner(principal) ? 'all' : 'own',
    stream_position,
    emergency,
    approvals,
    runs,
    sessions,
    failures,
    usage_today: usageToday,
    backends,
  };
}

async function pendingApprovals(deps: WorkDeps, principal: Principal): Promise<Overview['approvals']> {
  const where = ownedWhere(principal, approval.ownerId, inArray(approval.status, PENDING_APPROVAL_STATUSES));
  const [total, rows] = await Promise.all([
    deps.db.select({ n: count() }).from(approval).where(where),
    deps.db.select().from(approval).where(where).orderBy(asc(approval.createdAt)).limit(OVERVIEW_LIMITS.approvals),
  ]);
  return { pending: Number(total[0]?.n ?? 0), items: rows.map(toApprovalDto) };
}

async function activeRuns(deps: WorkDeps, principal: Principal): Promise<NonNullable<Overview['runs']>> {
  const where = ownedWhere(principal, run.ownerId, inArray(run.status, ACTIVE_RUN_STATUSES));
  const [byStatus, rows] = await Promise.all([
    deps.db.select({ status: run.status, n: count() }).from(run).where(where).groupBy(run.status),
    deps.db
      .select({
        id: run.id,
        status: run.status,
        prompt: run.prompt,
        workspacePath: run.workspacePath,
        modelRef: run.modelRef,
        origin: run.origin,
        ownerId: run.ownerId,
        createdAt: run.createdAt,
      })
      .from(run)
      .where(where)
      .orderBy(desc(run.createdAt))
      .limit(OVERVIEW_LIMITS.runs),
  ]);
  const counts: Partial<Record<string, number>> = Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)]));
  return {
    active: byStatus.reduce((sum, r) => sum + Number(r.n), 0),
    queued: counts.queued ?? 0,
    running: counts.running ?? 0,
    waiting_approval: counts.waiting_approval ?? 0,
    items: rows.map((r) => ({
      id: r.id,
      status: r.status,
      prompt: firstLine(r.prompt),
      workspace_path: r.workspacePath,
      model_ref: r.modelRef,
      origin: r.origin,
      owner_id: r.ownerId,
      created_at: r.createdAt.toISOString(),
    })),
  };
}

/** Sessions with a turn in progress (a session has at most one). */
async function activeSessions(deps: WorkDeps, principal: Principal): Promise<NonNullable<Overview['sessions']>> {
  const where = ownedWhere(principal, agentSession.ownerId, inArray(turn.status, ACTIVE_TURN_STATUSES));
  const [total, rows] = await Promise.all([
    deps.db.select({ n: count() }).from(turn).innerJoin(agentSession, eq(agentSession.id, turn.sessionId)).where(where),
    deps.db
      .select({
        id: agentSession.id,
        title: agentSession.title,
        status: agentSession.status,
        turnStatus: turn.status,
        workspacePath: agentSession.workspacePath,
        modelRef: agentSession.modelRef,
        origin: agentSession.origin,
        ownerId: agentSession.ownerId,
        updatedAt: agentSession.updatedAt,
      })
      .from(turn)
      .innerJoin(agentSession, eq(agentSession.id, turn.sessionId))
      .where(where)
      .orderBy(desc(turn.createdAt))
      .limit(OVERVIEW_LIMITS.sessions),
  ]);
  return {
    active: Number(total[0]?.n ?? 0),
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      turn_status: r.turnStatus,
      workspace_path: r.workspacePath,
      model_ref: r.modelRef,
      origin: r.origin,
      owner_id: r.ownerId,
      updated_at: r.updatedAt.toISOString(),
    })),
  };
}

/** The latest failed runs and session turns, newest first. */
async function recentFailures(deps: WorkDeps, principal: Principal, reads: { runs: boolean; sessions: boolean }): Promise<OverviewFailure[]> {
  const limit = OVERVIEW_LIMITS.failures;
  const [runs, turns] = await Promise.all([
    reads.runs
      ? deps.db
          .select({ id: run.id, prompt: run.prompt, error: run.error, at: run.completedAt, createdAt: run.createdAt })
          .from(run)
          .where(ownedWhere(principal, run.ownerId, inArray(run.status, FAILED_RUN_STATUSES)))
          .orderBy(desc(run.createdAt))
          .limit(limit)
      : [],
    reads.sessions
      ? deps.db
          .select({ id: turn.id, sessionId: turn.sessionId, index: turn.index, title: agentSession.title, error: turn.error, at: turn.completedAt, createdAt: turn.createdAt })
          .from(turn)
          .innerJoin(agentSession, eq(agentSession.id, turn.sessionId))
          .where(ownedWhere(principal, agentSession.ownerId, and(inArray(turn.status, FAILED_TURN_STATUSES))))
          .orderBy(desc(turn.createdAt))
          .limit(limit)
      : [],
  ]);
  const failures: OverviewFailure[] = [
    ...runs.map((r) => ({ kind: 'run' as const, id: r.id, parent_id: r.id, title: firstLine(r.prompt), error: r.error, at: (r.at ?? r.createdAt).toISOString() })),
    ...turns.map((t) => ({
      kind: 'turn' as const,
      id: t.id,
      parent_id: t.sessionId,
      title: `${t.title ?? 'Untitled session'} · turn ${t.index + 1}`,
      error: t.error,
      at: (t.at ?? t.createdAt).toISOString(),
    })),
  ];
  return failures.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}

/** The principal's usage since midnight UTC (the admin's: everyone's), and each daily quota as the server counts it. */
async function todaysUsage(deps: WorkDeps, principal: Principal): Promise<NonNullable<Overview['usage_today']>> {
  const from = utcDayStart();
  const summary = await usageSummary(deps, principal, { from, to: new Date(Date.now() + 1000) });
  const byProvider = new Map<string, { tokens: number; cost_usd: number }>();
  for (const row of summary.rows) {
    const entry = byProvider.get(row.provider) ?? { tokens: 0, cost_usd: 0 };
    entry.tokens += row.input_tokens + row.output_tokens;
    entry.cost_usd += row.cost_usd;
    byProvider.set(row.provider, entry);
  }
  const quotas = await Promise.all(
    [...deps.env.dailyTokenQuota.entries()].map(async ([provider, limit]) => ({ provider, limit, used: await tokensUsedToday(deps.db, provider) })),
  );
  return {
    from: from.toISOString(),
    calls: summary.totals.calls,
    input_tokens: summary.totals.input_tokens,
    output_tokens: summary.totals.output_tokens,
    cost_usd: summary.totals.cost_usd,
    by_provider: [...byProvider.entries()].map(([provider, v]) => ({ provider, ...v })).sort((a, b) => b.tokens - a.tokens),
    quotas,
  };
}
