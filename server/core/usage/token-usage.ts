/**
 * Token usage in a time window, per provider and in total, with how many pieces of work made the
 * calls. Every model call is one ledger row (record-usage.ts keys it by its step), whichever face
 * submitted the work, so runs and session turns of every dialect count, each call exactly once.
 *
 * `work_count` counts units of submitted work with usage in the window: a run counts once however
 * many model calls it made; a session turn counts as one unit as well (it is what one submission
 * to a session starts); a call made outside any run or turn (spec generation) counts on its own.
 *
 * Scope: the principal's owner's usage (the admin's: everyone's), through `ownedWhere`.
 */
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { usageRecord } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { badRequest } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';

export interface TokenUsageInput {
  /** Both ends included. */
  from: Date;
  to: Date;
  /** Only this provider's usage. */
  provider?: string;
  /** Field names as the caller's dialect spells them, for 400 messages. */
  fields?: { from?: string };
}

export interface TokenTotals {
  work_count: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export interface TokenUsage {
  from: Date;
  to: Date;
  totals: TokenTotals;
  /** Providers with usage in the window, by name. */
  by_provider: Array<TokenTotals & { provider: string }>;
}

/** The unit of work a ledger row belongs to: its run, else its turn, else the call itself. */
const workOf = sql`coalesce(${usageRecord.runId}, ${usageRecord.turnId}, ${usageRecord.stepId})`;
const sums = {
  work: sql<string>`count(distinct ${workOf})`,
  input: sql<string>`coalesce(sum(${usageRecord.inputTokens}), 0)`,
  output: sql<string>`coalesce(sum(${usageRecord.outputTokens}), 0)`,
};
const totalsOf = (r: { work: string; input: string; output: string }): TokenTotals => {
  const input = Number(r.input);
  const output = Number(r.output);
  return { work_count: Number(r.work), input_tokens: input, output_tokens: output, total_tokens: input + output };
};

export async function tokenUsage(deps: WorkDeps, principal: Principal, input: TokenUsageInput): Promise<TokenUsage> {
  const { from, to } = input;
  if (from.getTime() > to.getTime()) throw badRequest(`must not be after to (${to.toISOString()})`, input.fields?.from ?? 'from');
  const window = and(gte(usageRecord.createdAt, from), lte(usageRecord.createdAt, to))!;
  const where = ownedWhere(principal, usageRecord.ownerId, input.provider === undefined ? window : and(window, eq(usageRecord.provider, input.provider)));
  // Totals in their own query: a unit of work that called two providers counts once in the total.
  const [totals, perProvider] = await Promise.all([
    deps.db.select(sums).from(usageRecord).where(where),
    deps.db
      .select({ provider: usageRecord.provider, ...sums })
      .from(usageRecord)
      .where(where)
      .groupBy(usageRecord.provider)
      .orderBy(usageRecord.provider),
  ]);
  return {
    from,
    to,
    totals: totalsOf(totals[0] ?? { work: '0', input: '0', output: '0' }),
    by_provider: perProvider.map((r) => ({ provider: r.provider, ...totalsOf(r) })),
  };
}
