import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bashTool } from './bash';
import { runTool } from './registry';
import { makeWorkspace, type TempWorkspace } from './test-support';

let ws: TempWorkspace;
const started: number[] = [];
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => {
  // Only processes these tests started, by pid.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  ws.cleanup();
});

/** Running (a zombie waiting for a reaper counts as gone: it no longer runs anything). */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

function pidsIn(output: string): number[] {
  return [...output.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

async function eventually(check: () => boolean, ms = 1000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

describe('bash', () => {
  it('runs in the workspace and returns combined output and exit code 0', async () => {
    const r = await runTool('bash', { command: 'pwd; echo out; echo err >&2' }, ws.ctx());
    expect(r).toEqual({ output: `${ws.root}\nout\nerr`, isError: false, exitCode: 0 });
  });

  it('reports a non-zero exit code as an error', async () => {
    const r = await runTool('bash', { command: 'echo failing; exit 3' }, ws.ctx());
    expect(r).toEqual({ output: 'failing\n[exit code 3]', isError: true, exitCode: 3 });
    expect(await runTool('bash', { command: 'false' }, ws.ctx())).toEqual({ output: '(no output)\n[exit code 1]', isError: true, exitCode: 1 });
  });

  it('uses bash, not a login shell, with no stdin', async () => {
    const r = await runTool('bash', { command: 'echo "$BASH_VERSION" | cut -c1; shopt -q login_shell && echo login || echo nologin; cat; echo done' }, ws.ctx());
    expect(r.output).toMatch(/^\d\nnologin\ndone$/);
  });

  it('summarizes as the exact command', () => {
    expect(bashTool.summarize({ command: 'npm test -- --run "a b"' })).toBe('npm test -- --run "a b"');
  });

  it('kills the whole process group on timeout', async () => {
    const t0 = Date.now();
    const r = await runTool(
      'bash',
      { command: 'sleep 30 & echo pid=$!; sleep 30 & echo pid=$!; wait', timeout_ms: 500 },
      ws.ctx(),
    );
    const elapsed = Date.now() - t0;
    const pids = pidsIn(r.output);
    started.push(...pids);
    expect(elapsed).toBeLessThan(2000);
    expect(r.isError).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.output).toMatch(/\[timed out after 500 ms; the command and its processes were killed\]/);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await eventually(() => !isRunning(pid)), `sleep ${pid} still running`).toBe(true);
  });

  it('caps timeout_ms at the engine limit', async () => {
    const t0 = Date.now();
    const r = await runTool('bash', { command: 'sleep 10', timeout_ms: 60_000 }, ws.ctx({ bashTimeoutMs: 300 }));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.output).toMatch(/timed out after 300 ms/);
  });

  it('uses SIGKILL for processes that ignore SIGTERM', async () => {
    const t0 = Date.now();
    const r = await runTool('bash', { command: "trap '' TERM; sleep 30 & echo pid=$!; wait", timeout_ms: 300 }, ws.ctx());
    const pids = pidsIn(r.output);
    started.push(...pids);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.exitCode).toBeNull();
    for (const pid of pids) expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('stops within a second when the signal aborts', async () => {
    const controller = new AbortController();
    const run = runTool('bash', { command: 'sleep 30 & echo pid=$!; sleep 30' }, ws.ctx({ signal: controller.signal }));
    await new Promise((r) => setTimeout(r, 300));
    const abortedAt = Date.now();
    controller.abort();
    const r = await run;
    started.push(...pidsIn(r.output));
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(r).toMatchObject({ isError: true, exitCode: null, output: expect.stringMatching(/\[aborted; the command and its processes were killed\]/) });
    for (const pid of pidsIn(r.output)) expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('does not start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await bashTool.run({ command: `touch started` }, ws.ctx({ signal: controller.signal }));
    expect(r.isError).toBe(true);
    expect(ws.exists('started')).toBe(false);
  });

  it('caps output, keeping its start and end', async () => {
    const r = await runTool(
      'bash',
      { command: "echo BEGIN; head -c 200000 /dev/zero | tr '\\0' x; echo; echo END; exit 2" },
      ws.ctx({ outputCapBytes: 4096 }),
    );
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(4096);
    expect(r.output.startsWith('BEGIN\n')).toBe(true);
    expect(r.output).toMatch(/\[output truncated: \d+ bytes omitted from the middle of 200\d\d\d\]/);
    expect(r.output).toMatch(/END\n\[exit code 2\]$/);
    expect(r.exitCode).toBe(2);
  });

  it('does not wait for background processes that keep the output open: it stops them', async () => {
    const t0 = Date.now();
    const r = await runTool('bash', { command: 'sleep 30 & echo pid=$!' }, ws.ctx());
    const [holder] = pidsIn(r.output);
    started.push(holder!);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(r).toMatchObject({ isError: false, exitCode: 0 });
    expect(r.output).toMatch(/background processes still attached to the output were stopped/);
    expect(await eventually(() => !isRunning(holder!))).toBe(true);
  });

  it('leaves a background daemon that redirected its output running', async () => {
    const r = await runTool('bash', { command: 'nohup sleep 30 >/dev/null 2>&1 & echo pid=$!' }, ws.ctx());
    const [daemon] = pidsIn(r.output);
    started.push(daemon!);
    expect(r).toEqual({ output: `pid=${daemon}`, isError: false, exitCode: 0 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(isRunning(daemon!)).toBe(true);
  });

  it('does not pass the server secrets to the command', async () => {
    const before = process.env.ADMIN_TOKEN;
    process.env.ADMIN_TOKEN = 'super-secret-admin-token';
    try {
      const r = await runTool('bash', { command: 'echo "${ADMIN_TOKEN:-unset} $PATH"' }, ws.ctx());
      expect(r.output).toMatch(/^unset \//);
    } finally {
      if (before === undefined) delete process.env.ADMIN_TOKEN;
      else process.env.ADMIN_TOKEN = before;
    }
  });
});
