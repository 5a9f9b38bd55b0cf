/**
 * The engine service: dispatches work through a Postgres job queue (pg-boss, on PGlite or Postgres),
 * advances it with the executor, and keeps it durable. Durability does not rest on the queue alone:
 * every run and turn carries a lease, and a periodic sweep picks up active work whose lease expired
 * (its process died) and approvals that timed out.
 */
import { and, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { PgBoss } from 'pg-boss';
import { fromPglite } from 'pg-boss/dist/adapters/pglite.js';
import { approval, run, turn } from '@/db/schema';
import type { Database } from '@/db/client';
import { PENDING_APPROVAL_STATUSES, RUNNABLE_RUN_STATUSES, RUNNABLE_TURN_STATUSES } from '@/server/core/work/status';
import { Executor, type EngineDeps } from './executor/executor';
import type { WorkRef } from './work-item';

const QUEUE = 'switchboard-advance';
const SWEEP_INTERVAL_MS = 2_000;
const MAX_CONCURRENT = 16;

export interface EngineOptions {
  /** Whether this process executes work (a web-only process only dispatches it). */
  worker: boolean;
}

export class Engine {
  readonly executor: Executor;
  private boss?: PgBoss;
  private readonly active = new Map<string, AbortController>();
  private readonly waiting: WorkRef[] = [];
  private readonly again = new Set<string>();
  private sweepTimer?: NodeJS.Timeout;
  private stopped = false;
  /** Set by drain(): no new work is taken, and active work is handed back at its next step boundary. */
  private draining = false;

  constructor(
    private readonly deps: EngineDeps,
    private readonly database: Database,
  ) {
    this.executor = new Executor(deps);
  }

  async start(opts: EngineOptions): Promise<void> {
    const boss =
      this.database.kind === 'pglite'
        ? new PgBoss({ db: fromPglite(this.database.pglite as never) as never, schema: 'pgboss', supervise: opts.worker, schedule: false } as never)
        : new PgBoss({ connectionString: this.deps.env.databaseUrl!, schema: 'pgboss', max: 4, supervise: opts.worker, schedule: false } as never);
    boss.on('error', (err: unknown) => this.deps.log.error('job queue error', err));
    await boss.start();
    await boss.createQueue(QUEUE).catch(() => {});
    this.boss = boss;
    if (opts.worker) {
      if (this.database.kind === 'pglite') {
        // The embedded database admits one process, so every lease on it belonged to a process
        // that is gone: release them and take the work over at once.
        await this.deps.db.update(run).set({ leaseOwner: null, leaseExpiresAt: null }).where(sql`${run.leaseOwner} is not null`);
        await this.deps.db.update(turn).set({ leaseOwner: null, leaseExpiresAt: null }).where(sql`${turn.leaseOwner} is not null`);
      }
      await boss.work<WorkRef>(QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 8 } as never, async (jobs) => {
        for (const job of jobs) this.schedule(job.data);
      });
      this.sweepTimer = setInterval(() => void this.sweep().catch((err) => this.deps.log.error('sweep failed', err)), SWEEP_INTERVAL_MS);
      this.sweepTimer.unref();
      // Work left behind by a previous process (crash, kill -9) is taken over now, not after a delay.
      await this.sweep();
    }
  }

  /** Asks a worker to advance this run or turn. */
  async enqueue(ref: WorkRef): Promise<void> {
    if (!this.boss) throw new Error('engine not started');
    await this.boss.send(QUEUE, ref);
  }

  /** Aborts work running in this process at once (other processes notice the cancel flag within 250 ms). */
  abortLocal(id: string): void {
    this.active.get(id)?.abort();
  }

  isRunningHere(id: string): boolean {
    return this.active.has(id);
  }

  /*
   * MINIMAL VERSION written with the process roles (ROLE, SIGTERM handling in server/main.ts); the
   * engine's own implementation replaces it. Stops taking work; each active run or turn returns at its
   * next step boundary without finishing, releases its lease and is enqueued again so another worker
   * continues it at once. Work still inside a step when the time is up is left to its lease: once this
   * process is gone, another worker takes it over after WORK_LEASE_SECONDS, as after a crash (a tool
   * that was running is reported interrupted, never run twice).
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    clearInterval(this.sweepTimer);
    this.waiting.length = 0;
    this.again.clear();
    await this.boss?.offWork(QUEUE, { wait: false }).catch(() => {});
    const deadline = Date.now() + timeoutMs;
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    // Aborting finishes work as canceled; after a drain, what is left belongs to the next worker instead.
    if (!this.draining) for (const controller of this.active.values()) controller.abort();
    await this.boss?.stop({ graceful: false, close: true, wait: false } as never).catch(() => {});
  }

  /** Runs work with bounded concurrency; a second request for work already running here re-runs it afterwards. */
  private schedule(ref: WorkRef): void {
    if (this.stopped || this.draining) return;
    if (this.active.has(ref.id)) {
      this.again.add(ref.id);
      return;
    }
    if (this.active.size >= MAX_CONCURRENT) {
      if (!this.waiting.some((w) => w.id === ref.id)) this.waiting.push(ref);
      return;
    }
    const controller = new AbortController();
    this.active.set(ref.id, controller);
    void this.executor
      .advance(ref, controller.signal, () => this.draining)
      .then((result) => (result === 'handed_back' ? this.enqueue(ref) : undefined))
      .catch((err) => this.deps.log.error(`advancing ${ref.kind} ${ref.id} failed`, err))
      .finally(() => {
        this.active.delete(ref.id);
        if (this.again.delete(ref.id)) this.schedule(ref);
        const next = this.waiting.shift();
        if (next) this.schedule(next);
      });
  }

  /**
   * Finds work nobody is advancing: active runs and turns whose lease is missing or expired, and
   * work whose pending approval has timed out.
   */
  private async sweep(): Promise<void> {
    if (this.stopped) return;
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
  }
}
