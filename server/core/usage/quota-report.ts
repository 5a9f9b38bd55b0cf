/**
 * Today's state of the daily token quotas (DAILY_TOKEN_QUOTA), per provider, for the current UTC
 * day: the window [today 00:00 UTC, tomorrow 00:00 UTC), the limit, what is used and what is left.
 *
 * A limit is the provider's for the whole server and `assertWithinQuota` refuses new work once the
 * server-wide total reaches it, so a limited provider reports that same server-wide total: the
 * figure that decides whether the principal's next submission is refused. An unlimited provider has
 * no shared budget to explain, so it reports the principal's owner's own usage only (the admin's:
 * everyone's), like every other usage read.
 */
import { and, eq, gte, sql } from 'drizzle-orm';
import { usageRecord } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import type { WorkDeps } from '@/server/core/work/deps';
import { isQuotaUsedUp, tokensUsedToday, utcDayStart } from './quota';

const DAY_MS = 86_400_000;

export interface QuotaReportInput {
  /** Only this provider (listed even when the server does not know it: unlimited, nothing used). */
  provider?: string;
}

export interface QuotaItem {
  provider: string;
  window_from: Date;
  window_to: Date;
  /** The daily limit in tokens (input + output), or null when DAILY_TOKEN_QUOTA sets none. */
  limit_tokens: number | null;
  used_tokens: number;
  /** What is left of the limit (never below 0); null without a limit. */
  remaining_tokens: number | null;
  /** Whether new work on the provider is refused for the rest of the day. */
  exceeded: boolean;
}

async function ownUsageToday(deps: WorkDeps, principal: Principal, provider: string, since: Date): Promise<number> {
  const [row] = await deps.db
    .select({ total: sql<string>`coalesce(sum(${usageRecord.inputTokens} + ${usageRecord.outputTokens}), 0)` })
    .from(usageRecord)
    .where(ownedWhere(principal, usageRecord.ownerId, and(eq(usageRecord.provider, provider), gte(usageRecord.createdAt, since))));
  return Number(row?.total ?? 0);
}

/** Every limited provider and every provider this server runs, or just the one asked for, by name. */
export async function quotaReport(deps: WorkDeps, principal: Principal, input: QuotaReportInput = {}): Promise<{ items: QuotaItem[] }> {
  const windowFrom = utcDayStart();
  const windowTo = new Date(windowFrom.getTime() + DAY_MS);
  const providers =
    input.provider !== undefined
      ? [input.provider]
      : [...new Set([...deps.env.dailyTokenQuota.keys(), ...deps.backends.list().map((b) => b.provider)])].sort();
  const items = await Promise.all(
    providers.map(async (provider): Promise<QuotaItem> => {
      const limit = deps.env.dailyTokenQuota.get(provider) ?? null;
      const used = limit === null ? await ownUsageToday(deps, principal, provider, windowFrom) : await tokensUsedToday(deps.db, provider);
      return {
        provider,
        window_from: windowFrom,
        window_to: windowTo,
        limit_tokens: limit,
        used_tokens: used,
        remaining_tokens: limit === null ? null : Math.max(0, limit - used),
        exceeded: limit !== null && isQuotaUsedUp(used, limit),
      };
    }),
  );
  return { items };
}
