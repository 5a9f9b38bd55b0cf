/**
 * Work signals: how the processes of one deployment tell each other "this run or turn has work to
 * do" and "stop this run or turn now". Listeners in this process are called at once; with Postgres,
 * every signal is also sent with NOTIFY on its own channel (over its own connection, so a busy pool
 * never delays it) and delivered to the listeners of every other process.
 *
 * Signals are wake-ups, not state: whatever they announce is already committed to the database
 * before they are sent, so a lost signal only delays work until the engine's slow safety-net sweep.
 */
import postgres from 'postgres';

export interface SignalRef {
  kind: 'run' | 'turn';
  id: string;
}

export type WorkSignal =
  /** The work has something to do (new, approved, steered): a worker with a free slot claims it. */
  | { type: 'advance'; ref: SignalRef }
  /** Cancel or interrupt was recorded on the row: the process executing the work aborts it. */
  | { type: 'abort'; ref: SignalRef };

export type SignalListener = (signal: WorkSignal) => void;

export interface SignalHub {
  /** Sends to this process's listeners now and to every other process (call after the commit). */
  send(signal: WorkSignal): Promise<void>;
  listen(listener: SignalListener): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'switchboard_work';

interface Wire {
  /** Sending process: it already delivered the signal to itself. */
  p: string;
  s: WorkSignal;
}

/** In-process listeners only: the embedded database has one process. */
export function createLocalSignalHub(): SignalHub {
  const listeners = new Set<SignalListener>();
  return {
    async send(signal) {
      deliver(listeners, signal);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}

/** In-process listeners plus LISTEN/NOTIFY on Postgres, so signals reach every process sharing the database. */
export async function createPostgresSignalHub(databaseUrl: string, processId: string): Promise<SignalHub> {
  const listeners = new Set<SignalListener>();
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const { unlisten } = await sql.listen(CHANNEL, (payload) => {
    let wire: Wire;
    try {
      wire = JSON.parse(payload) as Wire;
    } catch {
      return;
    }
    if (wire.p !== processId) deliver(listeners, wire.s);
  });
  return {
    async send(signal) {
      deliver(listeners, signal);
      await sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ p: processId, s: signal } satisfies Wire)})`;
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await unlisten().catch(() => {});
      await sql.end({ timeout: 2 });
    },
  };
}

function deliver(listeners: Set<SignalListener>, signal: WorkSignal): void {
  for (const listener of [...listeners]) {
    try {
      listener(signal);
    } catch {
      /* one broken listener must not keep the signal from the others */
    }
  }
}
