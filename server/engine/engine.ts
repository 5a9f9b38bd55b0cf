/**
 * The engine service: executes runs and turns as they are signalled, and keeps them durable.
 *
 * The run and turn rows are the queue: a runnable status plus a lease, and taking the lease (one
 * conditional UPDATE, see executor/lease.ts) is the claim. Enqueueing is a signal ('advance') sent
 * after the commit to every process (LISTEN/NOTIFY on Postgres, in-process on PGlite); every
 * worker with a free slot tries to claim the work and the losers drop it. Cancel and interrupt are
 * an 'abort' signal that the process executing the work acts on at once.
 *
 * Signals only make things fast; a periodic sweep keeps them correct: it finds active work whose
 * lease is missing or expired (its process died, or a signal was lost) and approvals that timed out.
 */
import { and, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { approval, run, turn } from '@/db/schema';
import type { Database } from '@/db/client';
import type { WorkEngine } from '@/server/core/work/deps';
import { PENDING_APPROVAL_STATUSES, RUNNABLE_RUN_STATUSES, RUNNABLE_TURN_STATUSES } from '@/server/core/work/status';
import type { WorkSignal } from '@/server/stream/signals';
import { Executor, type AdvanceResult, type EngineDeps } from './executor/executor';
import { HandOver } from './executor/shared';
import type { WorkRef } from './work-item';

/** The safety net only: signals wake the workers, the sweep catches what they missed. */
const SWEEP_INTERVAL_MS = 3_000;
/** A worker that frees a slot sweeps at most this often for work that arrived while it was full. */
const SWEEP_DEBOUNCE_MS = 100;
const MAX_CONCURRENT = 16;
/** Work remembered for later while every slot is busy; beyond it, the sweep finds the rest. */
const MAX_WAITING = 1_000;

export interface EngineOptions {
  /** Whether this process executes work (a web-only process only dispatches it). */
  worker: boolean;
}

interface Slot {
  ref: WorkRef;
  /** Aborts the work now (cancel, or the end of a drain). */
  abort: AbortController;
  /** Asks the work to stop at its next step boundary and hand its lease back (a drain). */
  handOver: AbortController;
  done: Promise<AdvanceResult | undefined>;
}

export class Engine implements WorkEngine {
  readonly executor: Executor;
  private readonly active = new Map<string, Slot>();
  private readonly waiting = new Map<string, WorkRef>();
  private readonly again = new Set<string>();
  private sweepTimer?: NodeJS.Timeout;
  private debouncedSweep?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  private missedWork = false;
  private stopListening?: () => void;
  /** No new work is claimed: draining or stopped. */
  private closed = false;

  constructor(
    private readonly deps: EngineDeps,
    private readonly database: Database,
  ) {
    this.executor = new Executor(deps);
  }

  async start(opts: EngineOptions): Promise<void> {
    if (!opts.worker) return;
    if (this.database.kind === 'pglite') {
      // The embedded database admits one process, so every lease on it belonged to a process
      // that is gone: release them and take the work over at once.
      await this.deps.db.update(run).set({ leaseOwner: null, leaseExpiresAt: null }).where(sql`${run.leaseOwner} is not null`);
      await this.deps.db.update(turn).set({ leaseOwner: null, leaseExpiresAt: null }).where(sql`${turn.leaseOwner} is not null`);
    }
    this.stopListening = this.deps.signals.listen((signal) => this.onSignal(signal));
    this.sweepTimer = setInterval(() => this.sweepNow(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    // Work left behind by a previous process (crash, kill -9) is taken over now, not after a delay.
    await this.sweep();
  }

  /** Asks a worker (any process) to advance this run or turn. Call after the commit that made the work. */
  async enqueue(ref: WorkRef): Promise<void> {
    await this.deps.signals.send({ type: 'advance', ref: { kind: ref.kind, id: ref.id } });
  }

  /** Aborts the work wherever it executes; the cancel or interrupt must already be recorded on its row. */
  async abort(ref: WorkRef): Promise<void> {
    await this.deps.signals.send({ type: 'abort', ref: { kind: ref.kind, id: ref.id } });
  }

  /** Ids of the runs and turns this process is advancing now. */
  executing(): string[] {
    return [...this.active.keys()];
  }

  /**
   * For a graceful shutdown: claims nothing more, lets work in progress reach its next step
   * boundary within `timeoutMs`, then aborts the rest. Every lease is handed back and the work
   * signalled, so another worker continues it at once (a tool cut off mid-way is not run again).
   */
  async drain(timeoutMs: number): Promise<void> {
    this.closeIntake();
    const slots = [...this.active.values()];
    for (const slot of slots) slot.handOver.abort();
    const all = Promise.allSettled(slots.map((s) => s.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const slot of slots) slot.abort.abort(new HandOver());
    const results = await Promise.all(slots.map((s) => s.done));
    await this.executor.shutdown();
    // Handed back, or asked for again (steered, approved) while it ran: another worker takes it now.
    const handBack = slots.filter((s, i) => results[i] === 'released' || this.again.has(s.ref.id));
    this.again.clear();
    await Promise.all(handBack.map((s) => this.enqueue(s.ref).catch((err) => this.deps.log.error(`handing over ${s.ref.kind} ${s.ref.id} failed`, err))));
  }

  async stop(): Promise<void> {
    this.closeIntake();
    this.stopListening?.();
    for (const slot of this.active.values()) slot.abort.abort(new HandOver());
    await Promise.allSettled([...this.active.values()].map((s) => s.done));
    await this.executor.shutdown();
  }

  /** Claims nothing more; aborts still reach the work in progress. */
  private closeIntake(): void {
    this.closed = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.debouncedSweep);
    clearTimeout(this.expiryTimer);
    this.waiting.clear();
  }

  private onSignal(signal: WorkSignal): void {
    if (signal.type === 'abort') this.active.get(signal.ref.id)?.abort.abort();
    else this.schedule(signal.ref);
  }

  /** Runs work with bounded concurrency; a second request for work already running here re-runs it afterwards. */
  private schedule(ref: WorkRef): void {
    if (this.closed) return;
    if (this.active.has(ref.id)) {
      // Steered or approved while running here: look again once this advance ends.
      this.again.add(ref.id);
      return;
    }
    if (this.active.size >= MAX_CONCURRENT) {
      if (this.waiting.size < MAX_WAITING) this.waiting.set(ref.id, ref);
      else this.missedWork = true;
      return;
    }
    this.waiting.delete(ref.id);
    const abort = new AbortController();
    const handOver = new AbortController();
    const done = this.executor
      .advance(ref, { abort: abort.signal, handOver: handOver.signal })
      .catch((err) => {
        this.deps.log.error(`advancing ${ref.kind} ${ref.id} failed`, err);
        return undefined;
      })
      .then((result) => {
        // Parked for a human: the next sweep times the approval's expiry precisely.
        if (result === 'parked') this.sweepSoon();
        return result;
      })
      .finally(() => this.free(ref));
    this.active.set(ref.id, { ref, abort, handOver, done });
  }

  private free(ref: WorkRef): void {
    this.active.delete(ref.id);
    if (this.closed) return; // a drain hands what is asked for again to another worker
    if (this.again.delete(ref.id)) return this.schedule(ref);
    const next = this.waiting.values().next();
    if (!next.done) return this.schedule(next.value);
    if (this.missedWork) {
      // Work arrived while every slot was busy and was not remembered: look for it now rather
      // than at the next safety-net sweep.
      this.missedWork = false;
      this.sweepSoon();
    }
  }

  private sweepSoon(): void {
    if (this.closed) return;
    clearTimeout(this.debouncedSweep);
    this.debouncedSweep = setTimeout(() => this.sweepNow(), SWEEP_DEBOUNCE_MS);
  }

  private sweepNow(): void {
    void this.sweep().catch((err) => this.deps.log.error('sweep failed', err));
  }

  /**
   * Finds work nobody is advancing: active runs and turns whose lease is missing or expired, and
   * work whose pending approval has timed out.
   */
  private async sweep(): Promise<void> {
    if (this.closed) return;
    const { db } = this.deps;
    const orphan = (t: typeof run | typeof turn) => or(isNull(t.leaseOwner), lt(t.leaseExpiresAt, sql`now()`));
    const runs = await db.select({ id: run.id }).from(run).where(and(inArray(run.status, RUNNABLE_RUN_STATUSES), orphan(run))).limit(100);
    const turns = await db.select({ id: turn.id }).from(turn).where(and(inArray(turn.status, RUNNABLE_TURN_STATUSES), orphan(turn))).limit(100);
    const expired = await db
      .select({ runId: approval.runId, turnId: approval.turnId })
      .from(approval)
      .where(and(inArray(approval.status, PENDING_APPROVAL_STATUSES), lt(approval.expiresAt, sql`now()`)))
      .limit(100);
    for (const r of runs) if (!this.active.has(r.id)) this.schedule({ kind: 'run', id: r.id });
    for (const t of turns) if (!this.active.has(t.id)) this.schedule({ kind: 'turn', id: t.id });
    for (const a of expired) {
      if (a.runId) this.schedule({ kind: 'run', id: a.runId });
      else if (a.turnId) this.schedule({ kind: 'turn', id: a.turnId });
    }
    // The next approval to time out is acted on when it does, not up to a sweep interval later.
    const [next] = await db
      .select({ at: sql<Date | null>`min(${approval.expiresAt})`.mapWith(approval.expiresAt) })
      .from(approval)
      .where(and(inArray(approval.status, PENDING_APPROVAL_STATUSES), gte(approval.expiresAt, sql`now()`)));
    clearTimeout(this.expiryTimer);
    const at = next?.at?.getTime();
    if (at !== undefined && at - Date.now() < SWEEP_INTERVAL_MS && !this.closed) {
      this.expiryTimer = setTimeout(() => this.sweepNow(), Math.max(0, at - Date.now()) + SWEEP_DEBOUNCE_MS);
      this.expiryTimer.unref();
    }
  }
}
