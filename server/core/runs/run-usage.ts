import { and, eq, sql } from 'drizzle-orm';
import { run, usageRecord } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { notFound } from '@/server/core/shared/errors';
import { readSnapshot } from '@/server/core/shared/snapshot';
import { usageTotalsSchema, type UsageTotals } from '@/server/core/usage/usage-dto';
import type { WorkDeps } from '@/server/core/work/deps';

/** What one run's model calls cost: calls, tokens and dollars from the usage ledger. */
export const runUsageSchema = usageTotalsSchema;
export type RunUsage = UsageTotals;

/**
 * The usage ledger summed for one run. Scope: the principal's own runs (the admin's: any run); an
 * unknown run or another owner's is RUN_NOT_FOUND, and only ledger rows of the run's owner count.
 */
export function getRunUsage(deps: WorkDeps, principal: Principal, input: { id: string }): Promise<RunUsage> {
  return readSnapshot(deps.db, async (tx) => {
    const [found] = await tx.select({ ownerId: run.ownerId }).from(run).where(ownedWhere(principal, run.ownerId, eq(run.id, input.id))).limit(1);
    if (!found) throw notFound('run', 'RUN_NOT_FOUND');
    const [row] = await tx
      .select({
        calls: sql<string>`count(*)`,
        input: sql<string>`coalesce(sum(${usageRecord.inputTokens}), 0)`,
        output: sql<string>`coalesce(sum(${usageRecord.outputTokens}), 0)`,
        cost: sql<string>`coalesce(sum(${usageRecord.costUsd}), 0)`,
      })
      .from(usageRecord)
      .where(and(eq(usageRecord.runId, input.id), eq(usageRecord.ownerId, found.ownerId)));
    return { calls: Number(row?.calls ?? 0), input_tokens: Number(row?.input ?? 0), output_tokens: Number(row?.output ?? 0), cost_usd: Number(row?.cost ?? 0) };
  });
}
