/**
 * Leases: a run or turn is advanced by one process at a time. The lease expires on its own, so
 * work whose process died is picked up by the next sweep; while work runs, its lease is renewed
 * and its row watched for a cancel requested from any process.
 */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { run, turn } from '@/db/schema';
import type { WorkRef } from '../work-item';
import type { EngineDeps } from './shared';

const WATCH_INTERVAL_MS = 250;

type LeaseDeps = Pick<EngineDeps, 'db' | 'processId' | 'env'>;

/** Renewed three times per lease length (WORK_LEASE_SECONDS), so one slow renewal does not lose it. */
const renewEveryTicks = (deps: LeaseDeps) => Math.max(1, Math.floor((deps.env.workLeaseSeconds * 1000) / 3 / WATCH_INTERVAL_MS));

const table = (ref: WorkRef) => (ref.kind === 'run' ? run : turn);

/** Takes (or renews) the lease; false when another process holds a live one. */
export async function acquireLease(deps: LeaseDeps, ref: WorkRef): Promise<boolean> {
  const t = table(ref);
  const me = deps.processId;
  const rows = await deps.db
    .update(t)
    .set({ leaseOwner: me, leaseExpiresAt: sql`now() + make_interval(secs => ${deps.env.workLeaseSeconds})` })
    .where(and(eq(t.id, ref.id), or(isNull(t.leaseOwner), eq(t.leaseOwner, me), lt(t.leaseExpiresAt, sql`now()`))))
    .returning({ id: t.id });
  return rows.length > 0;
}

export async function releaseLease(deps: LeaseDeps, ref: WorkRef): Promise<void> {
  const t = table(ref);
  await deps.db.update(t).set({ leaseOwner: null, leaseExpiresAt: null }).where(and(eq(t.id, ref.id), eq(t.leaseOwner, deps.processId)));
}

async function cancelRequested(deps: LeaseDeps, ref: WorkRef): Promise<boolean> {
  const t = table(ref);
  const [row] = await deps.db.select({ at: t.cancelRequestedAt }).from(t).where(eq(t.id, ref.id)).limit(1);
  return !!row?.at;
}

/** While the work runs: calls `onCancel` once a cancel is requested, and keeps the lease alive. Returns the stop function. */
export function watchLeasedWork(deps: LeaseDeps, ref: WorkRef, onCancel: () => void): () => void {
  let ticks = 0;
  const renewEvery = renewEveryTicks(deps);
  const watch = setInterval(() => {
    ticks++;
    void cancelRequested(deps, ref).then((yes) => yes && onCancel(), () => {});
    if (ticks % renewEvery === 0) void acquireLease(deps, ref).catch(() => {});
  }, WATCH_INTERVAL_MS);
  return () => clearInterval(watch);
}
