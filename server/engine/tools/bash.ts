import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { sandboxEnv, SandboxUnavailableError, type SandboxedCommand } from '../sandbox/bubblewrap';
import { contentBudget } from './shared';
import type { Tool, ToolContext, ToolResult } from './types';

/** SIGTERM first so processes can clean up; SIGKILL for the ones that ignore it. */
export const KILL_GRACE_MS = 1000;
/**
 * After bash itself exits, how long background processes may keep our output pipes open. Longer
 * than that they are stopped: they would otherwise hold the call open until the timeout. A daemon
 * that redirects its output (`nohup srv >log 2>&1 &`) does not hold the pipes and keeps running.
 */
export const ORPHAN_GRACE_MS = 500;

/** The environment of the agent's shell: the sandbox's allowlist, and no one to answer a pager or a credential prompt. */
function commandEnv(ctx: ToolContext): Record<string, string> {
  return sandboxEnv(ctx.env, {
    // Inside the sandbox the host's home is read-only; the private /tmp is where caches can go.
    HOME: ctx.sandbox.enabled ? '/tmp' : (ctx.env.HOME ?? '/tmp'),
    PAGER: 'cat',
    GIT_PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
  });
}

/**
 * Keeps the head and the tail of combined output within `cap` bytes: the start shows what ran,
 * the end usually holds the error or the summary.
 */
class OutputCollector {
  private chunks: Buffer[] = [];
  private head: Buffer | undefined;
  private tail = Buffer.alloc(0);
  private total = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.head === undefined) {
      this.chunks.push(chunk);
      if (this.total <= this.cap) return;
      const all = Buffer.concat(this.chunks);
      this.chunks = [];
      const half = Math.floor(this.cap / 2);
      this.head = all.subarray(0, half);
      this.tail = Buffer.from(all.subarray(all.length - (this.cap - half)));
      return;
    }
    const keep = this.cap - this.head.length;
    this.tail = Buffer.concat([this.tail, chunk]);
    if (this.tail.length > keep) this.tail = Buffer.from(this.tail.subarray(this.tail.length - keep));
  }

  text(): string {
    if (this.head === undefined) return Buffer.concat(this.chunks).toString('utf8');
    // The cuts may split characters: the decoder holds back a partial one at the end of the head,
    // and continuation bytes at the start of the tail are dropped.
    const head = new StringDecoder('utf8').write(this.head);
    let tailStart = 0;
    while (tailStart < this.tail.length && ((this.tail[tailStart] ?? 0) & 0xc0) === 0x80) tailStart++;
    const omitted = this.total - this.head.length - this.tail.length;
    return (
      `${head}\n[output truncated: ${omitted} bytes omitted from the middle of ${this.total}]\n` +
      this.tail.subarray(tailStart).toString('utf8')
    );
  }
}

const input = z.object({
  command: z.string().min(1).describe('The shell command to run with /bin/bash -c in the workspace root.'),
  timeout_ms: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Time limit in milliseconds; capped at (and by default) the engine limit.'),
});
export type BashInput = z.infer<typeof input>;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the whole process group the detached child leads.
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export const bashTool: Tool<BashInput> = {
  name: 'bash',
  description:
    'Run a shell command with /bin/bash -c in the workspace root (non-interactive: no stdin, no TTY). ' +
    'Returns combined stdout and stderr (long output keeps its start and end) and the exit code. ' +
    'The command and everything it started are killed when the time limit is reached.',
  category: 'bash',
  input,
  summarize: (i) => i.command,
  run(i, ctx): Promise<ToolResult> {
    if (ctx.signal.aborted) return Promise.resolve({ output: 'aborted before the command started', isError: true, exitCode: null });
    const timeoutMs = Math.min(i.timeout_ms ?? ctx.bashTimeoutMs, ctx.bashTimeoutMs);
    const output = new OutputCollector(contentBudget(ctx.outputCapBytes));

    let command: SandboxedCommand;
    try {
      command = ctx.sandbox.wrap({
        bin: '/bin/bash',
        args: ['-c', i.command],
        cwd: ctx.workspacePath,
        env: commandEnv(ctx),
        mode: ctx.sandboxMode,
        workspace: ctx.workspacePath,
        network: ctx.network,
      });
    } catch (err) {
      if (err instanceof SandboxUnavailableError) return Promise.resolve({ output: err.message, isError: true, exitCode: null });
      throw err;
    }

    return new Promise<ToolResult>((resolve) => {
      // Its own process group, so a timeout or abort can kill grandchildren (`sleep 30 &`) too. In the
      // sandbox the group is bubblewrap's: killing it takes the sandbox's PID namespace, and with it
      // everything the command started, down (--die-with-parent).
      const child = spawn(command.bin, command.args, {
        cwd: command.cwd,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: command.env as NodeJS.ProcessEnv,
      });
      const onData = (chunk: Buffer) => output.push(chunk);
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);

      let stopReason: 'timeout' | 'aborted' | undefined;
      let orphansStopped = false;
      let killing = false;
      let exitCode: number | null = null;
      let exitSignal: NodeJS.Signals | null = null;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];

      const stopGroup = () => {
        if (killing || child.pid === undefined) return;
        killing = true;
        const pid = child.pid;
        killGroup(pid, 'SIGTERM');
        timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS));
        // A process that left the group (setsid) may still hold the pipes; stop waiting for it.
        timers.push(
          setTimeout(() => {
            child.stdout.destroy();
            child.stderr.destroy();
            finish();
          }, KILL_GRACE_MS + 1000),
        );
      };
      const onAbort = () => {
        stopReason ??= 'aborted';
        stopGroup();
      };

      const finish = () => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        ctx.signal.removeEventListener('abort', onAbort);
        const notes: string[] = [];
        const killed = stopReason !== undefined;
        if (stopReason === 'timeout') notes.push(`[timed out after ${timeoutMs} ms; the command and its processes were killed]`);
        if (stopReason === 'aborted') notes.push('[aborted; the command and its processes were killed]');
        if (!killed && exitSignal) notes.push(`[terminated by ${exitSignal}]`);
        if (!killed && exitCode !== null && exitCode !== 0) notes.push(`[exit code ${exitCode}]`);
        if (orphansStopped) notes.push('[background processes still attached to the output were stopped]');
        const text = output.text();
        const body = text === '' ? '(no output)' : text.replace(/\n$/, '');
        const code = killed ? null : exitCode;
        resolve({
          output: [body, ...notes].join('\n'),
          isError: killed || code !== 0,
          exitCode: code,
        });
      };

      timers.push(
        setTimeout(() => {
          stopReason ??= 'timeout';
          stopGroup();
        }, timeoutMs),
      );
      ctx.signal.addEventListener('abort', onAbort, { once: true });

      child.on('exit', (code, signal) => {
        exitCode = code;
        exitSignal = signal;
        timers.push(
          setTimeout(() => {
            if (settled || killing) return;
            orphansStopped = true;
            stopGroup();
          }, ORPHAN_GRACE_MS),
        );
      });
      child.on('close', finish);
      child.on('error', (err) => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        ctx.signal.removeEventListener('abort', onAbort);
        resolve({ output: `could not run /bin/bash: ${err.message}`, isError: true, exitCode: null });
      });
    });
  },
};
