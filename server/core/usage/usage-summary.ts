import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { usageRecord } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere, seesEveryOwner } from '@/server/core/access/owner-scope';
import type { WorkDeps } from '@/server/core/work/deps';
import type { UsageRow, UsageSummary, UsageTotals } from './usage-dto';

/** A window of the ledger: explicit bounds, or the last `hours` up to now. */
export type UsageWindow = { from: Date; to: Date } | { hours: number };

/** The admin may narrow the summary to one owner; anyone else always sees their owner's usage. */
export type UsageSummaryInput = UsageWindow & { ownerId?: string };

function boundsOf(window: UsageWindow): { from: Date; to: Date } {
  if ('from' in window) return window;
  // A second of slack so a call recorded just now is inside the window.
  const to = new Date(Date.now() + 1000);
  return { from: new Date(to.getTime() - window.hours * 3_600_000), to };
}

/** The principal's usage in [from, to) (the admin's: everyone's), grouped by provider and model. */
export async function usageSummary(deps: WorkDeps, principal: Principal, input: UsageSummaryInput): Promise<UsageSummary> {
  const { from, to } = boundsOf(input);
  const window = and(gte(usageRecord.createdAt, from), lt(usageRecord.createdAt, to))!;
  const onlyOwner = input.ownerId && seesEveryOwner(principal) ? eq(usageRecord.ownerId, input.ownerId) : undefined;
  const rows = await deps.db
    .select({
      provider: usageRecord.provider,
      model: usageRecord.model,
      calls: sql<string>`count(*)`,
      input: sql<string>`coalesce(sum(${usageRecord.inputTokens}), 0)`,
      output: sql<string>`coalesce(sum(${usageRecord.outputTokens}), 0)`,
      cost: sql<string>`coalesce(sum(${usageRecord.costUsd}), 0)`,
    })
    .from(usageRecord)
    .where(ownedWhere(principal, usageRecord.ownerId, onlyOwner ? and(window, onlyOwner) : window))
    .groupBy(usageRecord.provider, usageRecord.model);
  const out: UsageRow[] = rows.map((r) => ({ provider: r.provider, model: r.model, calls: Number(r.calls), input_tokens: Number(r.input), output_tokens: Number(r.output), cost_usd: Number(r.cost) }));
  const totals = out.reduce<UsageTotals>(
    (t, r) => ({ calls: t.calls + r.calls, input_tokens: t.input_tokens + r.input_tokens, output_tokens: t.output_tokens + r.output_tokens, cost_usd: t.cost_usd + r.cost_usd }),
    { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 },
  );
  return { from: from.toISOString(), to: to.toISOString(), rows: out, totals };
}
