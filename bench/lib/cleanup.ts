/**
 * Cleanup registry: every resource a bench makes (Postgres cluster, database, temp dir, HTTP
 * server, client process) registers how to undo itself here, so it is undone on success, on an
 * exception, and on Ctrl-C / SIGTERM. Resources that must not outlive the process even when it
 * dies abruptly (the cluster, temp dirs) also give a synchronous fallback run from 'exit'.
 */
type Task = { name: string; run: () => Promise<void> | void; sync?: () => void; done: boolean };

const tasks: Task[] = [];

export function onCleanup(name: string, run: () => Promise<void> | void, sync?: () => void): () => Promise<void> {
  const task: Task = { name, run, sync, done: false };
  tasks.push(task);
  // Returned so a resource can be released early (end of a section) and not again at exit.
  return async () => {
    if (task.done) return;
    task.done = true;
    await task.run();
  };
}

/** Runs outstanding cleanups, newest first (a database before the cluster that holds it). */
export async function runCleanups(): Promise<void> {
  for (const task of [...tasks].reverse()) {
    if (task.done) continue;
    task.done = true;
    try {
      await task.run();
    } catch (err) {
      console.error(`cleanup "${task.name}" failed: ${(err as Error).message}`);
    }
  }
}

let installed = false;
export function installSignalCleanup(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: cleaning up…`);
      void runCleanups().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
  process.once('exit', () => {
    for (const task of [...tasks].reverse()) {
      if (task.done || !task.sync) continue;
      task.done = true;
      try {
        task.sync();
      } catch {
        /* best effort at exit */
      }
    }
  });
}
