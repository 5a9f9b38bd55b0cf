import { and, asc, desc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { run, step } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { currentGlobalFence } from '@/server/core/events/read-global';
import { readSnapshot } from '@/server/core/shared/snapshot';
import type { WorkDeps } from '@/server/core/work/deps';
import type { RunStatus } from '@/server/core/work/status';
import { runPageSchema, toRunDto, type RunPage } from './run-dto';

export interface ListRunsInput {
  limit?: number;
  offset?: number;
  /** Only runs created through this face (a dialect name, `dashboard`). */
  origin?: string;
  /** Only runs in one of these statuses. */
  status?: RunStatus[];
  /** Only runs in this workspace (its path, exactly). */
  workspace?: string;
  /** Only runs on this model (its reference, exactly). */
  model?: string;
  /**
   * Only this owner's runs. It narrows the principal's scope, never widens it: the admin sees any
   * owner's, anyone else asking for another owner gets an empty page (not a 403, which would say
   * something about that owner).
   */
  owner?: string;
  /** Text the prompt (or the spec path) contains, case-insensitively. */
  q?: string;
}

/** A page of runs plus the global stream position it reflects: follow `events.global` after `cursor` to hear of changes. */
export const runListPageSchema = runPageSchema.extend({ cursor: z.string() });
export type RunListPage = RunPage & { cursor: string };

/** A LIKE pattern matching text that contains `text` literally (its wildcards escaped). */
const containsPattern = (text: string) => `%${text.trim().replace(/[\\%_]/g, '\\$&')}%`;

/** The principal's runs, narrowed by the filters given. */
function filterOf(principal: Principal, input: ListRunsInput): SQL | undefined {
  const conditions: Array<SQL | undefined> = [
    input.origin ? eq(run.origin, input.origin) : undefined,
    input.status?.length ? inArray(run.status, input.status) : undefined,
    input.workspace ? eq(run.workspacePath, input.workspace) : undefined,
    input.model ? eq(run.modelRef, input.model) : undefined,
    input.owner ? eq(run.ownerId, input.owner) : undefined,
    input.q?.trim() ? or(ilike(run.prompt, containsPattern(input.q)), ilike(run.specPath, containsPattern(input.q))) : undefined,
  ];
  const present = conditions.filter((c): c is SQL => c !== undefined);
  return ownedWhere(principal, run.ownerId, present.length ? and(...present) : undefined);
}

/**
 * A page of the principal's runs with their steps, most recent first, in three queries whatever the
 * page size. Scope: the principal's own runs (the admin: every owner's).
 */
export async function listRuns(deps: WorkDeps, principal: Principal, input: ListRunsInput = {}): Promise<RunListPage> {
  const where = filterOf(principal, input);
  // Read before the page: every event below it is already reflected in the page; a later one may not be.
  const cursor = String((await currentGlobalFence(deps.db)) - 1);
  const page = await readSnapshot(deps.db, async (tx) => {
    const rows = await tx
      .select()
      .from(run)
      .where(where)
      .orderBy(desc(run.createdAt), desc(run.id))
      .limit(input.limit ?? 100)
      .offset(input.offset ?? 0);
    const total = await tx.$count(run, where);
    const steps = rows.length ? await tx.select().from(step).where(inArray(step.ownerId, rows.map((r) => r.id))).orderBy(asc(step.index)) : [];
    return { runs: rows.map((r) => toRunDto(r, steps.filter((s) => s.ownerId === r.id))), total };
  });
  return { ...page, cursor };
}
