import fs from 'node:fs/promises';
import { desc, max } from 'drizzle-orm';
import { z } from 'zod';
import { agentSession, run } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownerFilter } from '@/server/core/access/owner-scope';
import type { WorkDeps } from '@/server/core/work/deps';

export const recentWorkspaceSchema = z.object({
  path: z.string(),
  /** When a run or session of the principal last used it (ISO 8601). */
  lastUsedAt: z.string(),
});
export const recentWorkspaceListSchema = z.object({ workspaces: z.array(recentWorkspaceSchema) });
export type RecentWorkspace = z.infer<typeof recentWorkspaceSchema>;
export type RecentWorkspaceList = z.infer<typeof recentWorkspaceListSchema>;

export const RECENT_WORKSPACES_MAX = 50;

export interface RecentWorkspacesInput {
  limit?: number;
}

/**
 * The distinct workspaces of the principal's runs and sessions (owner-scoped: the admin sees every
 * owner's), most recently used first. Directories that no longer exist are left out.
 */
export async function recentWorkspaces(deps: Pick<WorkDeps, 'db'>, principal: Principal, input: RecentWorkspacesInput = {}): Promise<RecentWorkspaceList> {
  const limit = Math.min(Math.max(1, input.limit ?? 10), RECENT_WORKSPACES_MAX);
  const lastRun = max(run.updatedAt);
  const lastSession = max(agentSession.updatedAt);
  const [runs, sessions] = await Promise.all([
    deps.db
      .select({ path: run.workspacePath, at: lastRun })
      .from(run)
      .where(ownerFilter(principal, run.ownerId))
      .groupBy(run.workspacePath)
      .orderBy(desc(lastRun))
      .limit(limit),
    deps.db
      .select({ path: agentSession.workspacePath, at: lastSession })
      .from(agentSession)
      .where(ownerFilter(principal, agentSession.ownerId))
      .groupBy(agentSession.workspacePath)
      .orderBy(desc(lastSession))
      .limit(limit),
  ]);
  const latest = new Map<string, number>();
  for (const row of [...runs, ...sessions]) {
    const at = row.at ? new Date(row.at).getTime() : 0;
    if ((latest.get(row.path) ?? -1) < at) latest.set(row.path, at);
  }
  const ordered = [...latest].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
  const present = await Promise.all(ordered.map(([p]) => fs.stat(p).then((s) => s.isDirectory(), () => false)));
  return { workspaces: ordered.filter((_, i) => present[i]).map(([p, at]) => ({ path: p, lastUsedAt: new Date(at).toISOString() })) };
}
