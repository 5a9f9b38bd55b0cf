import { eq } from 'drizzle-orm';
import { run } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actorOf } from '@/server/core/access/owner-scope';
import { runStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { isParkedRun, isTerminalRun, type RunStatus } from '@/server/core/work/status';
import { stopWork } from '@/server/core/work/stop-work';
import { requireRun } from './find-run';

export interface CancelRunInput {
  id: string;
  /** How the caller's dialect names a run status, for the "already finished" message (default: canonical). */
  statusName?: (status: RunStatus) => string;
}

/**
 * Cancels a run. A run parked for approval ends here and now; one being executed is aborted in
 * whichever process runs it (a queued one ends as its worker claims it), and this returns once it
 * has ended (or after a short wait). A finished run is a 400, and its stream gets nothing.
 */
export async function cancelRun(deps: WorkDeps, principal: Principal, input: CancelRunInput): Promise<{ status: RunStatus }> {
  const { id } = input;
  const alreadyFinished = (status: RunStatus) =>
    new AppError('BAD_REQUEST', `run is already ${input.statusName?.(status) ?? status}`, { code: 'RUN_ALREADY_FINISHED' });
  const r = await requireRun(deps.db, principal, id);
  if (isTerminalRun(r.status)) throw alreadyFinished(r.status);
  // Who asked is recorded with the request, whichever process then ends the work.
  await inTransaction(deps, async (tx, emit) => {
    // The run may have finished since it was read: checked again under the row lock, so a cancel
    // racing completion appends nothing after the terminal event.
    const [locked] = await tx.select({ status: run.status }).from(run).where(eq(run.id, id)).for('update');
    if (!locked || isTerminalRun(locked.status)) throw alreadyFinished(locked?.status ?? r.status);
    await tx.update(run).set({ cancelRequestedAt: new Date() }).where(eq(run.id, id));
    await emit(runStream(id), { type: 'run_cancel_requested', data: { message: `cancel requested by ${principal.name}`, actor: actorOf(principal) } });
  });
  await stopWork(deps, { kind: 'run', id, streamId: runStream(id) }, { parked: isParkedRun(r.status), as: 'canceled' });
  return { status: 'canceled' };
}
