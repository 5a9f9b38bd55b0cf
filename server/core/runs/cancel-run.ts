import { eq } from 'drizzle-orm';
import { run } from '@/db/schema';
import { runStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { AppError, notFound } from '@/server/core/shared/errors';
import { isTerminalRun } from '@/server/core/work/status';
import type { WorkDeps } from '@/server/core/work/deps';
import { finish } from '@/server/core/work/transitions';

/**
 * Cancels a run. Work that nobody is executing (queued, or parked for approval) ends here and now;
 * work being executed is aborted where it runs and ends within a second. A finished run is a 400.
 */
export async function cancelRun(deps: WorkDeps, id: string): Promise<{ status: string }> {
  const [r] = await deps.db.select().from(run).where(eq(run.id, id)).limit(1);
  if (!r) throw notFound('run', 'RUN_NOT_FOUND');
  if (isTerminalRun(r.status)) throw new AppError('BAD_REQUEST', `run is already ${r.status}`, { code: 'RUN_ALREADY_FINISHED' });
  await deps.db.update(run).set({ cancelRequestedAt: new Date() }).where(eq(run.id, id));
  if (deps.engine.isRunningHere(id)) {
    deps.engine.abortLocal(id);
    await waitUntilFinished(deps, id, 2_000);
  } else if (r.status === 'queued' || r.status === 'waiting_approval') {
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
