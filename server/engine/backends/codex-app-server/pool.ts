/**
 * The app-server processes of the sessions this process executes: one per session, started by its
 * first turn, reused by the next while the session stays open, and killed when the session closes,
 * after `idleMs` without a turn, or when the engine stops. Turns of a session only ever run one at
 * a time, and always in the process holding its lease, so the pool needs no cross-process state:
 * a session whose next turn lands on another worker simply gets a process there (the thread is
 * resumed by id), and this one's idles out.
 */
import type { SandboxMode } from '../../sandbox/bubblewrap';
import { AppServerProcess, type AppServerConfig } from './app-server';

export interface AppServerPoolOptions {
  /** A process without a turn for this long is stopped. */
  idleMs: number;
  /** How often held sessions are checked (closed? idle? dead?): the safety net behind `watchClosed`. */
  checkEveryMs?: number;
  /** Which of these sessions are closed (read from the store). */
  closedSessions(sessionIds: string[]): Promise<Set<string>>;
  /**
   * Calls `onClosed` as soon as the session is closed, by whichever process closed it; returns the
   * unsubscribe. Without it, a closed session's process goes at the next check.
   */
  watchClosed?(sessionId: string, onClosed: () => void): () => void;
  log?: { error(message: string, err?: unknown): void };
}

interface Held {
  process: AppServerProcess;
  /** Turns running on it now. */
  inUse: number;
  lastUsed: number;
  /** What it was started with: a turn wanting another cwd or sandbox gets a fresh process. */
  key: string;
  unwatch?: () => void;
}

export class AppServerPool {
  private readonly held = new Map<string, Held>();
  private readonly starting = new Map<string, Promise<AppServerProcess>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: AppServerPoolOptions) {}

  /** The session's process (started if needed), marked in use until `release`. */
  async acquire(sessionId: string, config: AppServerConfig, opts: { cwd: string; sandboxMode: SandboxMode }): Promise<AppServerProcess> {
    if (this.stopped) throw new Error('the engine is stopping');
    const key = JSON.stringify([config.bin, opts.cwd, opts.sandboxMode]);
    const current = this.held.get(sessionId);
    if (current && current.process.alive && current.key === key) {
      current.inUse++;
      current.lastUsed = Date.now();
      return current.process;
    }
    if (current) await this.close(sessionId);
    let starting = this.starting.get(sessionId);
    if (!starting) {
      starting = AppServerProcess.start(config, opts);
      this.starting.set(sessionId, starting);
      void starting.finally(() => this.starting.delete(sessionId)).catch(() => {});
    }
    const process = await starting;
    const existing = this.held.get(sessionId);
    if (existing?.process === process) existing.inUse++;
    else {
      const unwatch = this.options.watchClosed?.(sessionId, () => void this.close(sessionId).catch((err) => this.options.log?.error('stopping a closed session\'s app-server failed', err)));
      this.held.set(sessionId, { process, inUse: 1, lastUsed: Date.now(), key, unwatch });
    }
    this.ensureTimer();
    if (this.stopped) {
      await this.close(sessionId);
      throw new Error('the engine is stopping');
    }
    return process;
  }

  release(sessionId: string): void {
    const h = this.held.get(sessionId);
    if (!h) return;
    h.inUse = Math.max(0, h.inUse - 1);
    h.lastUsed = Date.now();
  }

  /** Stops the session's process, if this process holds one. */
  async close(sessionId: string): Promise<void> {
    const h = this.held.get(sessionId);
    if (!h) return;
    this.held.delete(sessionId);
    h.unwatch?.();
    await h.process.kill();
  }

  /** Pids of the processes held now (for tests and diagnostics). */
  pids(): Map<string, number | undefined> {
    return new Map([...this.held].map(([id, h]) => [id, h.process.pid]));
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.starting.values()]);
    await Promise.all([...this.held.keys()].map((id) => this.close(id)));
  }

  /** Stops processes of closed sessions, idle ones and dead ones. */
  async check(): Promise<void> {
    const ids = [...this.held.keys()];
    if (ids.length === 0) return;
    const closed = await this.options.closedSessions(ids);
    const now = Date.now();
    await Promise.all(
      ids.map((id) => {
        const h = this.held.get(id);
        if (!h) return undefined;
        const idle = h.inUse === 0 && now - h.lastUsed >= this.options.idleMs;
        return closed.has(id) || idle || !h.process.alive ? this.close(id) : undefined;
      }),
    );
    if (this.held.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private ensureTimer(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.check().catch((err) => this.options.log?.error('checking app-server processes failed', err)), this.options.checkEveryMs ?? 30_000);
    this.timer.unref();
  }
}
