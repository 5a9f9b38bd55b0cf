import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { run, step } from '@/db/schema';
import { readSnapshot } from '@/server/core/shared/snapshot';
import { notFound } from '@/server/core/shared/errors';
import { toRunDto, type RunDto } from './run-dto';

export function getRun(db: Db, id: string): Promise<RunDto> {
  return readSnapshot(db, async (tx) => {
    const [r] = await tx.select().from(run).where(eq(run.id, id)).limit(1);
    if (!r) throw notFound('run', 'RUN_NOT_FOUND');
    const steps = await tx.select().from(step).where(eq(step.ownerId, id)).orderBy(asc(step.index));
    return toRunDto(r, steps);
  });
}

/** Most recent first. */
export async function listRuns(db: Db, opts: { limit?: number; offset?: number; origin?: string } = {}): Promise<{ runs: RunDto[]; total: number }> {
  const where = opts.origin ? eq(run.origin, opts.origin) : undefined;
  const rows = await db
    .select()
    .from(run)
    .where(where)
    .orderBy(desc(run.createdAt), desc(run.id))
    .limit(opts.limit ?? 100)
    .offset(opts.offset ?? 0);
  const total = (await db.$count(run, where)) as number;
  const steps = rows.length ? await db.select().from(step).where(inArray(step.ownerId, rows.map((r) => r.id))).orderBy(asc(step.index)) : [];
  return { runs: rows.map((r) => toRunDto(r, steps.filter((s) => s.ownerId === r.id))), total };
}
