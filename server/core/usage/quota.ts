import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { usageRecord } from '@/db/schema';
import { AppError } from '@/server/core/shared/errors';
import type { Env } from '@/server/env';

export function utcDayStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function tokensUsedToday(db: Db, provider: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${usageRecord.inputTokens} + ${usageRecord.outputTokens}), 0)` })
    .from(usageRecord)
    .where(and(eq(usageRecord.provider, provider), gte(usageRecord.createdAt, utcDayStart())));
  return Number(row?.total ?? 0);
}

/** Whether a provider's day is used up: from then on new work on it is refused until UTC midnight. */
export const isQuotaUsedUp = (usedTokens: number, limitTokens: number): boolean => usedTokens >= limitTokens;

/** Refuses work on a backend whose daily token quota (DAILY_TOKEN_QUOTA) is used up. */
export async function assertWithinQuota(deps: { db: Db; env: Env }, provider: string): Promise<void> {
  const limit = deps.env.dailyTokenQuota.get(provider);
  if (limit === undefined) return;
  const used = await tokensUsedToday(deps.db, provider);
  if (isQuotaUsedUp(used, limit)) {
    throw new AppError('TOO_MANY_REQUESTS', `daily token quota for ${provider} is used up (${used} of ${limit} tokens today, UTC)`, {
      code: 'QUOTA_EXCEEDED',
      headers: { 'retry-after': String(Math.ceil((utcDayStart().getTime() + 86_400_000 - Date.now()) / 1000)) },
    });
  }
}
