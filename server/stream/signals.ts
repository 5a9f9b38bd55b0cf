/**
 * Work signals: how the processes of one deployment tell each other "this run or turn has work to
 * do" and "stop this run or turn now". Listeners in this process are called at once; with Postgres,
 * every signal is also sent with NOTIFY on its own channel (over its own connection, so a busy pool
 * never delays it) and delivered to the listeners of every other process.
 *
 * Signals are wake-ups, not state: whatever they announce is already committed to the database
 * before they are sent, so a lost signal only delays work until the engine's slow safety-net sweep.
 */
import { openPgChannel, type PgChannel } from './pg-channel';

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

/** In-process listeners only: the embedded database has one process. */
export function createLocalSignalHub(): SignalHub {
  return hubOver(new Set(), undefined);
}

/** In-process listeners plus LISTEN/NOTIFY on Postgres, so signals reach every process sharing the database. */
export async function createPostgresSignalHub(databaseUrl: string, processId: string): Promise<SignalHub> {
  const listeners = new Set<SignalListener>();
  const channel = await openPgChannel<WorkSignal>(databaseUrl, CHANNEL, processId, (signal) => deliver(listeners, signal));
  return hubOver(listeners, channel);
}

function hubOver(listeners: Set<SignalListener>, channel: PgChannel<WorkSignal> | undefined): SignalHub {
  return {
    async send(signal) {
      deliver(listeners, signal);
      await channel?.send(signal);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await channel?.close();
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
