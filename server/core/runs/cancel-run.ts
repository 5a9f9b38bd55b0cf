import { eq } from 'drizzle-orm';
import { run } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { actorOf } from '@/server/core/access/owner-scope';
import { runStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { isParkedRun, isTerminalRun, type RunStatus } from '@/server/core/work/status';
import { finish } from '@/server/core/work/transitions';
import { requireRun } from './find-run';

/**
 * Cancels a run. Work that nobody is executing (queued, or parked for approval) ends here and now;
 * work being executed is aborted where it runs and ends within a second. A finished run is a 400.
 */
export async function cancelRun(deps: WorkDeps, principal: Principal, input: { id: string }): Promise<{ status: RunStatus }> {
  const { id } = input;
  const r = await requireRun(deps.db, principal, id);
  if (isTerminalRun(r.status)) throw new AppError('BAD_REQUEST', `run is already ${r.status}`, { code: 'RUN_ALREADY_FINISHED' });
  // Who asked is recorded with the request, whichever process then ends the work.
  await inTransaction(deps, async (tx, emit) => {
    await tx.update(run).set({ cancelRequestedAt: new Date() }).where(eq(run.id, id));
    await emit(runStream(id), { type: 'run_cancel_requested', data: { message: `cancel requested by ${principal.name}`, actor: actorOf(principal) } });
  });
  if (deps.engine.isRunningHere(id)) {
    deps.engine.abortLocal(id);
    await waitUntilFinished(deps, id, 2_000);
  } else if (isParkedRun(r.status)) {
    await inTransaction(deps, (tx, emit) => finish(tx, emit, { kind: 'run', id, streamId: runStream(id) }, 'canceled'));
  }
  return { status: 'canceled' };
}

/** So that a client reading the run right after cancel sees it canceled. */
async function waitUntilFinished(deps: WorkDeps, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [r] = await deps.db.select({ status: run.status }).from(run).where(eq(run.id, id)).limit(1);
    if (!r || isTerminalRun(r.status)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
