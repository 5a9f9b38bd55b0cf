import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { run } from '@/db/schema';
import type { Tx } from '@/server/core/events/append-event';
import { notFound } from '@/server/core/shared/errors';
import type { RunStatus } from '@/server/core/work/status';

/**
 * The run's id and status, or RUN_NOT_FOUND: the cheap existence check every use case that takes a
 * run id starts with (one indexed row, two columns; never the run with its steps).
 */
export async function requireRun(db: Db | Tx, id: string): Promise<{ id: string; status: RunStatus }> {
  const [found] = await db.select({ id: run.id, status: run.status }).from(run).where(eq(run.id, id)).limit(1);
  if (!found) throw notFound('run', 'RUN_NOT_FOUND');
  return found;
}
