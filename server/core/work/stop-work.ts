/**
 * Stopping work that may be executing in any process: the request is recorded on the row first
 * (by the caller), then the executing worker is signalled and aborts at once; the caller waits
 * for the work's terminal event on its stream, so a client reading right after sees it ended.
 */
import { eq } from 'drizzle-orm';
import { run, turn } from '@/db/schema';
import { inTransaction } from '@/server/core/events/unit-of-work';
import type { WorkDeps } from './deps';
import { isTerminalRun, isTerminalTurn, type TurnStopOutcome } from './status';
import { finish, isEndOf, type WorkTarget } from './transitions';

/** How long a stop waits for the worker to report the end (it then returns; the worker still ends it). */
const STOP_WAIT_MS = 2_000;

/**
 * Ends parked work here and now (nobody executes it); otherwise aborts it where it runs and waits
 * for its end. Queued work is ended by the worker that claims it, which sees the recorded request.
 */
export async function stopWork(deps: WorkDeps, target: WorkTarget, opts: { parked: boolean; as: TurnStopOutcome }): Promise<void> {
  if (opts.parked) {
    await inTransaction(deps, (tx, emit) => finish(tx, emit, target, opts.as));
    return;
  }
  const ended = waitForEnd(deps, target, STOP_WAIT_MS);
  await deps.engine.abort({ kind: target.kind, id: target.id });
  // It may also have ended on its own before we subscribed (checked after the abort is on its way).
  void hasEnded(deps, target).then((yes) => yes && ended.stop(), () => {});
  await ended.wait;
}

/** Subscribes at once, so an end reported from now on is not missed. */
function waitForEnd(deps: WorkDeps, target: WorkTarget, timeoutMs: number): { wait: Promise<void>; stop(): void } {
  let stop = () => {};
  const wait = new Promise<void>((resolve) => {
    const timer = setTimeout(() => stop(), timeoutMs);
    const unsubscribe = deps.bus.subscribe(target.streamId, (event) => {
      if (isEndOf(target, event)) stop();
    });
    stop = () => {
      unsubscribe();
      clearTimeout(timer);
      resolve();
    };
  });
  return { wait, stop: () => stop() };
}

async function hasEnded(deps: WorkDeps, target: Pick<WorkTarget, 'kind' | 'id'>): Promise<boolean> {
  if (target.kind === 'run') {
    const [r] = await deps.db.select({ status: run.status }).from(run).where(eq(run.id, target.id)).limit(1);
    return !r || isTerminalRun(r.status);
  }
  const [t] = await deps.db.select({ status: turn.status }).from(turn).where(eq(turn.id, target.id)).limit(1);
  return !t || isTerminalTurn(t.status);
}
