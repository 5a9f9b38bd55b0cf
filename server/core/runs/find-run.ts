import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { run } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import type { Tx } from '@/server/core/events/append-event';
import { notFound } from '@/server/core/shared/errors';
import type { RunStatus } from '@/server/core/work/status';

/**
 * The run's id and status, or RUN_NOT_FOUND: the cheap existence check every use case that takes a
 * run id starts with (one indexed row, two columns; never the run with its steps). Another owner's
 * run is not found either.
 */
export async function requireRun(db: Db | Tx, principal: Principal, id: string): Promise<{ id: string; status: RunStatus }> {
  const [found] = await db
    .select({ id: run.id, status: run.status })
    .from(run)
    .where(ownedWhere(principal, run.ownerId, eq(run.id, id)))
    .limit(1);
  if (!found) throw notFound('run', 'RUN_NOT_FOUND');
  return found;
}
