import { and, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { usageRecord } from '@/db/schema';

export interface UsageRow {
  provider: string;
  model: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** Usage in [from, to), grouped by provider and model. */
export async function usageSummary(db: Db, from: Date, to: Date): Promise<{ from: string; to: string; rows: UsageRow[]; totals: Omit<UsageRow, 'provider' | 'model'> }> {
  const rows = await db
    .select({
      provider: usageRecord.provider,
      model: usageRecord.model,
      calls: sql<string>`count(*)`,
      input: sql<string>`coalesce(sum(${usageRecord.inputTokens}), 0)`,
      output: sql<string>`coalesce(sum(${usageRecord.outputTokens}), 0)`,
      cost: sql<string>`coalesce(sum(${usageRecord.costUsd}), 0)`,
    })
    .from(usageRecord)
    .where(and(gte(usageRecord.createdAt, from), lt(usageRecord.createdAt, to)))
    .groupBy(usageRecord.provider, usageRecord.model);
  const out = rows.map((r) => ({ provider: r.provider, model: r.model, calls: Number(r.calls), input_tokens: Number(r.input), output_tokens: Number(r.output), cost_usd: Number(r.cost) }));
  const totals = out.reduce((t, r) => ({ calls: t.calls + r.calls, input_tokens: t.input_tokens + r.input_tokens, output_tokens: t.output_tokens + r.output_tokens, cost_usd: t.cost_usd + r.cost_usd }), { calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 });
  return { from: from.toISOString(), to: to.toISOString(), rows: out, totals };
}
