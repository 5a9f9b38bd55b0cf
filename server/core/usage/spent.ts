import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { usageRecord } from '@/db/schema';

/** What a run or a session has cost so far, in USD. */
export async function spentUsd(db: Db, owner: { runId?: string; sessionId?: string }): Promise<number> {
  const where = owner.runId ? eq(usageRecord.runId, owner.runId) : eq(usageRecord.sessionId, owner.sessionId ?? '');
  const [row] = await db.select({ total: sql<string>`coalesce(sum(${usageRecord.costUsd}), 0)` }).from(usageRecord).where(where);
  return Number(row?.total ?? 0);
}
