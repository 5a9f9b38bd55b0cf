/**
 * The executor: advances one run or turn through its state machine (decide.ts) until it finishes
 * or must wait for a human. Each model call and each tool call is a stored step; a process that
 * dies mid-way leaves steps behind that the next advance() picks up from, without calling the
 * model again for steps that had finished.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { asc, eq, inArray } from 'drizzle-orm';
import { agentSession, step } from '@/db/schema';
import type { Tx } from '@/server/core/events/append-event';
import { inTransaction, type Emit } from '@/server/core/events/unit-of-work';
import { artifactsDir } from '@/server/core/runs/export-run';
import { isClosedSession, isTerminalRun, isTerminalTurn, isUnstarted } from '@/server/core/work/status';
import { finish, markStarted } from '@/server/core/work/transitions';
import { sessionStream } from '@/server/core/events/streams';
import { AppServerPool } from '../backends/codex-app-server/pool';
import { decideNext, type StepView } from '../decide';
import { loadWorkItem, type WorkRef } from '../work-item';
import { acquireLease, releaseLease, watchLeasedWork } from './lease';
import { modelCall } from './model-step';
import { Canceled, HandOver, letReadersSeeIt, type EngineDeps, type LoadedStep } from './shared';
import { completeToolStep, requestTool, resolveApproval, runToolStep } from './tool-step';

export type { EngineDeps } from './shared';

/** `released`: the lease was handed back with work left to do (a drain, or the lease was lost). */
export type AdvanceResult = 'finished' | 'parked' | 'busy' | 'missing' | 'released';

export interface AdvanceControl {
  /** Aborts the work now: a cancel (recorded on the row) or, with a `HandOver` reason, a hand-over. */
  abort?: AbortSignal;
  /** Stop at the next step boundary and hand the work back. */
  handOver?: AbortSignal;
}

/** A session's app-server (Codex) stays up this long after its last turn. */
const APP_SERVER_IDLE_MS = 15 * 60_000;

export class Executor {
  private readonly deps: EngineDeps;

  constructor(deps: EngineDeps) {
    this.deps = {
      ...deps,
      appServers:
        deps.appServers ??
        new AppServerPool({
          idleMs: APP_SERVER_IDLE_MS,
          log: deps.log,
          closedSessions: async (ids) =>
            new Set((await deps.db.select({ id: agentSession.id, status: agentSession.status }).from(agentSession).where(inArray(agentSession.id, ids))).filter((s) => isClosedSession(s.status)).map((s) => s.id)),
          watchClosed: (sessionId, onClosed) => deps.bus.subscribe(sessionStream(sessionId), (event) => event.type === 'session_closed' && onClosed()),
        }),
    };
  }

  /** The app-server processes this process holds (for diagnostics and tests). */
  get appServers(): AppServerPool | undefined {
    return this.deps.appServers;
  }

  /** Stops what the executor keeps running between work items (app-server processes). */
  async shutdown(): Promise<void> {
    await this.deps.appServers?.shutdown();
  }

  /** Advances the work as far as it can go now. Safe to call repeatedly and from several processes. */
  async advance(ref: WorkRef, control: AdvanceControl = {}): Promise<AdvanceResult> {
    // Whoever asked (a request that just committed the work) answers its client first.
    await letReadersSeeIt();
    if (!(await acquireLease(this.deps, ref))) return 'busy';
    const controller = new AbortController();
    const onAbort = () => controller.abort(control.abort?.reason);
    if (control.abort?.aborted) onAbort();
    control.abort?.addEventListener('abort', onAbort);
    // The lease is kept alive while we work; renewing it also re-reads the cancel flag, a safety
    // net for a lost abort signal. Losing the lease hands the work over: someone else has it now.
    const stopWatching = watchLeasedWork(this.deps, ref, (why) => controller.abort(why === 'lost' ? new HandOver() : undefined));
    try {
      return await this.loop(ref, controller.signal, control.handOver);
    } catch (err) {
      if (err instanceof HandOver) return 'released';
      throw err;
    } finally {
      stopWatching();
      control.abort?.removeEventListener('abort', onAbort);
      await releaseLease(this.deps, ref).catch(() => {});
    }
  }

  private async loop(ref: WorkRef, signal: AbortSignal, handOver?: AbortSignal): Promise<AdvanceResult> {
    const { deps } = this;
    const first = await loadWorkItem(deps.db, ref);
    if (!first) return 'missing';
    if ((first.kind === 'run' ? isTerminalRun : isTerminalTurn)(first.status)) return 'finished';
    // New work is marked started in the same transaction as its first model step (one commit less
    // before the answer starts streaming), or on its own before anything else it does.
    let unstarted = isUnstarted(first.status);
    const startIn = (tx: Tx, emit: Emit) => {
      unstarted = false;
      first.status = 'running';
      return markStarted(tx, emit, first);
    };
    const start = async () => {
      if (unstarted) await inTransaction(deps, startIn);
    };
    // The item is read again only before a model call, the one step that needs what may have
    // changed meanwhile (steered input joins the transcript). A cancel recorded meanwhile aborts
    // `signal`, and the lease renewal re-reads the flag in case that signal was lost.
    let item = first;
    let stale = false;
    const cancel = async () => {
      await start();
      await inTransaction(deps, (tx, emit) => finish(tx, emit, item, item.cancelAs));
      return 'finished' as const;
    };
    for (;;) {
      await letReadersSeeIt();
      if (handOver?.aborted || signal.reason instanceof HandOver) return 'released';
      if (item.cancelRequested || signal.aborted) return cancel();
      const steps = await this.loadSteps(ref.id);
      const action = decideNext(steps.map((s) => s.view));
      if (stale && action.type === 'model_call') {
        item = (await loadWorkItem(deps.db, ref))!;
        if (item.cancelRequested) return cancel();
      }
      stale = true;
      const startWithStep = unstarted && action.type === 'model_call' ? startIn : undefined;
      if (!startWithStep) await start();
      try {
        switch (action.type) {
          case 'succeed':
            if (item.kind === 'run') await this.writeRunOutput(item.id, action.text);
            await inTransaction(deps, (tx, emit) => finish(tx, emit, item, 'succeeded', { text: action.text }));
            return 'finished';
          case 'fail':
            await inTransaction(deps, (tx, emit) => finish(tx, emit, item, 'failed', { error: action.error }));
            return 'finished';
          case 'model_call':
            await modelCall(deps, item, steps, action.reuseStepId, signal, startWithStep);
            break;
          case 'tool_call':
            if ((await requestTool(deps, item, action.call)) === 'parked') return 'parked';
            break;
          case 'run_tool':
            await runToolStep(deps, item, action.stepId, action.call, signal);
            break;
          case 'await_approval':
            if ((await resolveApproval(deps, item, action.stepId, action.call, signal)) === 'parked') return 'parked';
            break;
          case 'tool_interrupted':
            await completeToolStep(deps, item, action.stepId, action.call, { output: 'interrupted: the server restarted while this tool ran; it was not run again', isError: true }, 'failed');
            break;
        }
      } catch (err) {
        if (err instanceof HandOver) throw err;
        if (err instanceof Canceled || signal.aborted) continue; // the top of the loop finishes it as canceled
        throw err;
      }
    }
  }

  /** The final answer of a run is kept as an artifact (exported under artifacts/). */
  private async writeRunOutput(runId: string, text: string): Promise<void> {
    const dir = artifactsDir(this.deps.env.dataDir, runId);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'output.md'), text.endsWith('\n') || !text ? text : `${text}\n`);
  }

  private async loadSteps(ownerId: string): Promise<LoadedStep[]> {
    const rows = await this.deps.db.select().from(step).where(eq(step.ownerId, ownerId)).orderBy(asc(step.index));
    return rows.map((r) => ({
      view: { id: r.id, index: r.index, kind: r.kind as StepView['kind'], status: r.status, toolCallId: r.toolCallId, output: r.output },
      toolName: r.toolName,
    }));
  }
}
