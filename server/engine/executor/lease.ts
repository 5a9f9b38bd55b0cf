/**
 * Leases: a run or turn is advanced by one process at a time. Taking the lease is the claim on the
 * work (one conditional UPDATE, so of several workers woken for the same work exactly one wins).
 * The lease expires on its own, so work whose process died is picked up by the next sweep; while
 * work runs, its lease is renewed.
 */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { run, turn } from '@/db/schema';
import type { WorkRef } from '../work-item';
import type { EngineDeps } from './shared';

type LeaseDeps = Pick<EngineDeps, 'db' | 'processId' | 'env'>;

const table = (ref: WorkRef) => (ref.kind === 'run' ? run : turn);

/** WORK_LEASE_SECONDS. */
export function leaseSeconds(deps: LeaseDeps): number {
  return deps.env.workLeaseSeconds;
}

/** Takes (or renews) the lease; false when another process holds a live one. */
export async function acquireLease(deps: LeaseDeps, ref: WorkRef): Promise<boolean> {
  const t = table(ref);
  const me = deps.processId;
  const rows = await deps.db
    .update(t)
    .set({ leaseOwner: me, leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds(deps)})` })
    .where(and(eq(t.id, ref.id), or(isNull(t.leaseOwner), eq(t.leaseOwner, me), lt(t.leaseExpiresAt, sql`now()`))))
    .returning({ id: t.id });
  return rows.length > 0;
}

export async function releaseLease(deps: LeaseDeps, ref: WorkRef): Promise<void> {
  const t = table(ref);
  await deps.db.update(t).set({ leaseOwner: null, leaseExpiresAt: null }).where(and(eq(t.id, ref.id), eq(t.leaseOwner, deps.processId)));
}

/** Extends a lease this process holds; says whether it still holds it and whether a cancel was requested. */
async function renewLease(deps: LeaseDeps, ref: WorkRef): Promise<{ held: boolean; cancelRequested: boolean }> {
  const t = table(ref);
  const [row] = await deps.db
    .update(t)
    .set({ leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds(deps)})` })
    .where(and(eq(t.id, ref.id), eq(t.leaseOwner, deps.processId)))
    .returning({ cancelRequestedAt: t.cancelRequestedAt });
  return { held: !!row, cancelRequested: !!row?.cancelRequestedAt };
}

/**
 * While the work runs: renews its lease three times per lease period. Cancels arrive as signals;
 * the renewal re-reads the cancel flag too, a slow safety net for a lost signal. `onStop` is called
 * with 'cancel' when a cancel was requested and 'lost' when another process took the lease (this
 * one was too slow to renew it). Returns the stop function.
 */
export function watchLeasedWork(deps: LeaseDeps, ref: WorkRef, onStop: (why: 'cancel' | 'lost') => void): () => void {
  const watch = setInterval(() => {
    void renewLease(deps, ref).then(
      ({ held, cancelRequested }) => {
        if (!held) onStop('lost');
        else if (cancelRequested) onStop('cancel');
      },
      () => {},
    );
  }, (leaseSeconds(deps) * 1000) / 3);
  return () => clearInterval(watch);
}
