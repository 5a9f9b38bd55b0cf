/**
 * Runs a CLI agent as a subprocess and turns its stdout lines into backend events.
 *
 * The child is spawned with `detached: true`, which makes it the leader of a new process group, so
 * everything it starts (shells, test runners, dev servers) can be signalled at once with
 * `kill(-pid)`. On abort — or when the consumer stops iterating, or the stream reports a fatal error
 * while the process still runs — the group gets SIGTERM and, if anything is left after the grace
 * period (~1 s), SIGKILL. The generator itself ends as soon as the group leader is gone (at most
 * ~grace later), emitting nothing further.
 *
 * A process that exits on its own is not chased: anything it deliberately left running keeps running.
 * If such a straggler still holds our stdout open, we stop waiting for it a moment after the leader's
 * exit and kill the group then, so a call can never hang on an orphan.
 *
 * The process runs in the sandbox (bubblewrap, with the network it needs for its own API): the group
 * leader is then bubblewrap, and killing it takes the sandbox's PID namespace down with everything
 * in it.
 *
 * Because detached groups do not die with the server, groups still running when the server process
 * exits are SIGKILLed from an `exit` hook (a SIGKILLed server cannot run it, of course).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SandboxUnavailableError, type Sandbox, type SandboxedCommand, type SandboxMode } from '../../sandbox/bubblewrap';
import type { BackendEvent } from '../types';
import { asyncQueue } from '../shared/async-queue';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The tail of stderr, for error messages. */
  stderr: string;
}

/** Per-CLI stream decoding. Parsers are stateful and live for one call. */
export interface StreamParser {
  /** One stdout line, newline removed. */
  line(line: string): BackendEvent[];
  /** The process exited on its own (not aborted): final events, typically an error when no result was seen. */
  end(exit: ProcessExit): BackendEvent[];
}

export interface RunOptions extends Omit<SandboxedSpawn, 'stdin'> {
  /** Provider name, prefixed to error messages. */
  label: string;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null, so no CLI waits on it. */
  stdin?: string;
  signal: AbortSignal;
  parser: StreamParser;
  /** Time between SIGTERM and SIGKILL. Default 1000 ms. */
  killGraceMs?: number;
}

type Item =
  | { kind: 'line'; line: string }
  | { kind: 'spawn-error'; error: Error }
  | { kind: 'exit' }
  | { kind: 'close'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'abort' };

const STDERR_TAIL = 16 * 1024;
/** How long after the leader's exit we wait for stdout to close before treating holders as stragglers. */
const CLOSE_AFTER_EXIT_MS = 2000;

/** Process groups of runs in progress, killed if the server exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** What `spawnSandboxed` needs: the command, where it runs, and what its sandbox lets it touch. */
export interface SandboxedSpawn {
  bin: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  sandbox: Sandbox;
  /** The work's sandbox mode; the network is always on (the agent talks to its own API). */
  sandboxMode: SandboxMode;
  /** The CLI's own state (its login): writable in the sandbox. */
  writablePaths?: readonly string[];
  /** `pipe` for a process we talk to (a JSON-RPC server); `ignore` makes stdin /dev/null. */
  stdin: 'ignore' | 'pipe';
}

export interface SandboxedProcess {
  child: ChildProcess;
  pid: number | undefined;
  /** Signals the whole process group (the sandbox and everything in it); a gone group is ignored. */
  signalGroup(sig: NodeJS.Signals): void;
}

/** spawn() itself threw (bad arguments, resource limits); ENOENT and EACCES arrive as 'error' events. */
export class SpawnFailed extends Error {}

/**
 * Starts a CLI agent in the sandbox as the leader of its own process group (see the file comment),
 * with stdout and stderr piped. The group is SIGKILLed if the server exits while it runs. Throws
 * SandboxUnavailableError or SpawnFailed.
 */
export function spawnSandboxed(options: SandboxedSpawn): SandboxedProcess {
  const { bin, cwd } = options;
  const command: SandboxedCommand = options.sandbox.wrap({
    bin,
    args: options.args,
    cwd,
    env: options.env,
    mode: options.sandboxMode,
    workspace: cwd,
    network: true,
    writablePaths: options.writablePaths,
    // An agent installed under /tmp would otherwise vanish behind the sandbox's private /tmp.
    readablePaths: path.isAbsolute(bin) ? [path.dirname(bin)] : [],
  });
  let child: ChildProcess;
  try {
    child = spawn(command.bin, command.args, { cwd: command.cwd, env: command.env as NodeJS.ProcessEnv, detached: true, stdio: [options.stdin, 'pipe', 'pipe'] });
  } catch (err) {
    throw new SpawnFailed((err as Error).message);
  }
  const pid = child.pid;
  if (pid !== undefined) {
    trackGroup(pid);
    // The leader is gone; its pid may be reused, so it must not be signalled at server exit any more.
    child.once('exit', () => liveGroups.delete(pid));
  }
  return {
    child,
    pid,
    signalGroup(sig) {
      if (pid === undefined) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // ESRCH: the whole group is already gone.
      }
    },
  };
}

export async function* runProcess(options: RunOptions): AsyncGenerator<BackendEvent> {
  const { label, bin, signal, parser } = options;
  const grace = options.killGraceMs ?? 1000;
  if (signal.aborted) return;
  try {
    if (!statSync(options.cwd).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    // Checked up front: spawn reports a bad cwd as "spawn <bin> ENOENT", blaming the binary.
    yield { type: 'error', message: `${label}: workspace ${options.cwd} is not usable: ${(err as Error).message}` };
    return;
  }

  const { push, next } = asyncQueue<Item>();

  let spawned: SandboxedProcess;
  try {
    spawned = spawnSandboxed({ ...options, stdin: options.stdin === undefined ? 'ignore' : 'pipe' });
  } catch (err) {
    if (err instanceof SandboxUnavailableError) {
      yield { type: 'error', message: `${label}: ${err.message}` };
      return;
    }
    if (err instanceof SpawnFailed) {
      yield { type: 'error', message: `${label}: cannot run ${bin}: ${err.message}` };
      return;
    }
    throw err;
  }
  const { child, pid, signalGroup } = spawned;

  let exited = false;
  let killing = false;
  const timers: NodeJS.Timeout[] = [];
  const killGroup = () => {
    if (killing || pid === undefined) return;
    killing = true;
    signalGroup('SIGTERM');
    // Not cleared when the leader exits: group members that ignore SIGTERM must still die.
    setTimeout(() => signalGroup('SIGKILL'), grace);
  };
  const leaderGone = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  lines.on('line', (line) => push({ kind: 'line', line }));
  child.on('error', (error) => push({ kind: 'spawn-error', error }));
  child.on('exit', () => {
    exited = true;
    push({ kind: 'exit' });
  });
  child.on('close', (code, sig) => push({ kind: 'close', code, signal: sig }));
  if (options.stdin !== undefined) {
    child.stdin!.on('error', () => {}); // EPIPE when the child exits without reading: not our failure
    child.stdin!.end(options.stdin);
  }

  const onAbort = () => {
    killGroup();
    push({ kind: 'abort' });
  };
  signal.addEventListener('abort', onAbort, { once: true });

  const untilLeaderGone = async () => {
    if (exited) return;
    await Promise.race([leaderGone, new Promise((resolve) => timers.push(setTimeout(resolve, grace + 500)))]);
  };

  try {
    for (;;) {
      const item = await next();
      if (signal.aborted) {
        await untilLeaderGone();
        return;
      }
      switch (item.kind) {
        case 'line': {
          let events: BackendEvent[];
          try {
            events = parser.line(item.line);
          } catch (err) {
            events = [{ type: 'error', message: `${label}: cannot parse output: ${(err as Error).message}` }];
          }
          for (const event of events) {
            yield event;
            if (signal.aborted) {
              await untilLeaderGone();
              return;
            }
            if (event.type === 'error') return; // the finally kills a still-running group
          }
          break;
        }
        case 'spawn-error':
          // Typically ENOENT/EACCES: the binary is missing or not executable.
          yield { type: 'error', message: `${label}: cannot run ${bin}: ${item.error.message}` };
          return;
        case 'exit':
          timers.push(
            setTimeout(() => {
              // Something in the group inherited stdout and outlived the leader; stop waiting for it.
              signalGroup('SIGKILL');
              child.stdout?.destroy();
              child.stderr?.destroy();
            }, CLOSE_AFTER_EXIT_MS),
          );
          break;
        case 'close': {
          for (const event of parser.end({ code: item.code, signal: item.signal, stderr })) {
            yield event;
            if (event.type === 'error') return;
          }
          return;
        }
        case 'abort':
          break; // handled by the aborted check above
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    for (const timer of timers) clearTimeout(timer);
    if (!exited) killGroup();
    lines.close();
    // Early return (abort, fatal event): stop reading pipes a surviving process might still hold.
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}

/** `<label>: exited with code N: <stderr tail>` — the message for a run that ended without a result. */
export function exitError(label: string, exit: ProcessExit, extra: string[] = []): BackendEvent {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
  const detail = [...extra, exit.stderr]
    .map((s) => s.trim())
    .filter(Boolean)
    .join('\n');
  const tail = detail.length > 2000 ? `…${detail.slice(-2000)}` : detail;
  return { type: 'error', message: `${label}: ${how}${exit.code === 0 && !exit.signal ? ' without a result' : ''}${tail ? `: ${tail}` : ''}` };
}
