/**
 * HTTP servers under measurement run as child processes, as they would be deployed: the load
 * generator in the bench process then competes with them for CPU the way a client on the same box
 * would, and never shares their event loop.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { onCleanup } from './cleanup';
import { REPO_ROOT } from './pg';

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr (the last few KB), for a failure message. */
  stderr(): string;
  /**
   * CPU time the process has used so far (ms; Linux /proc, NaN elsewhere). Per request, it is a
   * figure other load on the machine barely moves, unlike req/s.
   */
  cpuMs(): number;
  stop(): Promise<void>;
}

let clockTicks = 0;

function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    clockTicks ||= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** A port free right now on loopback (the child binds it a moment later). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `node --import tsx <script>` from the repository root with `env` added (an undefined
 * value removes the variable), and waits until `readyPath` answers 200.
 */
export async function startChildServer(
  name: string,
  script: string,
  env: Record<string, string | undefined>,
  opts: { port: number; readyPath: string; timeoutMs?: number },
): Promise<ChildServer> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, script)], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8192);
  });
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = onCleanup(
    `stop ${name}`,
    async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
    () => {
      if (!exited) child.kill('SIGKILL');
    },
  );
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`${name} exited before it was ready:\n${stderr}`);
    try {
      const res = await fetch(`${url}${opts.readyPath}`);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} was not ready within ${opts.timeoutMs ?? 60_000} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, stderr: () => stderr, cpuMs: () => processCpuMs(child.pid), stop };
}
