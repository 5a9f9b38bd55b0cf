import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox } from '../sandbox/bubblewrap';
import { runTool } from './registry';
import { makeWorkspace, type TempWorkspace } from './test-support';
import type { ToolContext } from './types';

// The server as an attacker meets it: secrets in its environment and in DATA_DIR.
const SECRETS = {
  ADMIN_TOKEN: 'sandbox-test-admin-token-0123456789',
  AUTH_SECRET: 'sandbox-test-auth-secret-0123456789abcdef',
  DATABASE_URL: 'postgres://switchboard:sandbox-test-db-password@127.0.0.1/switchboard',
  SECRETS_KEY: 'sandbox-test-secrets-key-0123456789',
};
const serverEnv = { ...process.env, ...SECRETS };

let ws: TempWorkspace;
let dataDir: string;
let listener: net.Server;
let port: number;

beforeAll(async () => {
  listener = net.createServer((socket) => socket.end('reached\n'));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as net.AddressInfo).port;
});
afterAll(() => listener.close());
beforeEach(() => {
  ws = makeWorkspace();
  dataDir = path.join(ws.outside, 'data');
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(dataDir, 'admin-token'), `${SECRETS.ADMIN_TOKEN}\n`, { mode: 0o600 });
});
afterEach(() => ws.cleanup());

function sandboxed(overrides: Partial<ToolContext> = {}): ToolContext {
  return ws.ctx({ env: serverEnv, sandbox: createSandbox({ enabled: true, hiddenPaths: [dataDir] }), sandboxMode: 'workspace-write', network: false, ...overrides });
}

/** Host pids of processes whose command line carries `marker`: what runs, seen from outside the sandbox. */
function hostPidsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const zombie = stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
      if (!zombie && cmdline.split('\0').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

const available = createSandbox({ enabled: true, hiddenPaths: [] }).unavailableReason() === null;

describe.runIf(available)('bash in the sandbox', () => {
  it('no environment it can read holds a server secret: /proc/1/environ, its parent, itself', async () => {
    const r = await runTool('bash', { command: 'cat /proc/1/environ /proc/$PPID/environ /proc/self/environ | tr "\\0" "\\n"; env' }, sandboxed());
    expect(r.exitCode).toBe(0);
    for (const secret of Object.values(SECRETS)) expect(r.output).not.toContain(secret);
    expect(r.output).toMatch(/^PATH=\//m);
  });

  it('cannot read DATA_DIR', async () => {
    const r = await runTool('bash', { command: `ls -A ${dataDir}; cat ${dataDir}/admin-token` }, sandboxed());
    expect(r.isError).toBe(true);
    expect(r.output).not.toContain(SECRETS.ADMIN_TOKEN);
    expect(r.output).toMatch(/No such file/);
  });

  it('writes the workspace; a write outside it fails', async () => {
    // Beside the server (its checkout, read-only) and beside the workspace (under /tmp, which is private).
    const escapes = [path.join(process.cwd(), `.sandbox-escape-${process.pid}`), path.join(ws.outside, 'escaped.txt')];
    const r = await runTool('bash', { command: `echo inside > made.txt && cat made.txt; for f in ${escapes.join(' ')}; do echo outside > $f; done` }, sandboxed());
    try {
      // Read-only host, or (for a checkout under /tmp) a path the private /tmp does not have.
      expect(r.output).toMatch(/^inside\n.*(Read-only file system|No such file or directory)/s);
      expect(ws.read('made.txt')).toBe('inside\n');
      for (const escape of escapes) expect(fs.existsSync(escape), escape).toBe(false);
    } finally {
      fs.rmSync(escapes[0]!, { force: true });
    }
  });

  it('cannot reach the network in workspace-write, not even the host loopback; can when the policy allows it', async () => {
    const probe = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`;
    const denied = await runTool('bash', { command: probe }, sandboxed());
    expect(denied.isError).toBe(true);
    expect(denied.output).not.toContain('reached');
    const allowed = await runTool('bash', { command: probe }, sandboxed({ network: true }));
    expect(allowed.output).toBe('reached');
  });

  it('read-only mode cannot write the workspace either', async () => {
    const r = await runTool('bash', { command: 'echo x > nope.txt' }, sandboxed({ sandboxMode: 'read-only' }));
    expect(r.output).toMatch(/Read-only file system/);
    expect(ws.exists('nope.txt')).toBe(false);
  });

  it('a timeout kills everything the command started inside the sandbox', async () => {
    const marker = `${30 + Math.random()}`.slice(0, 10);
    const t0 = Date.now();
    const run = runTool('bash', { command: `sleep ${marker} & sleep ${marker} & trap '' TERM; wait`, timeout_ms: 500 }, sandboxed());
    expect(await eventually(() => hostPidsWith(marker).length === 2)).toBe(true);
    const r = await run;
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r).toMatchObject({ isError: true, exitCode: null, output: expect.stringMatching(/timed out after 500 ms/) });
    expect(await eventually(() => hostPidsWith(marker).length === 0)).toBe(true);
  });

  it('an abort kills the sandbox within a second', async () => {
    const marker = `${40 + Math.random()}`.slice(0, 10);
    const controller = new AbortController();
    const run = runTool('bash', { command: `sleep ${marker} & sleep ${marker}` }, sandboxed({ signal: controller.signal }));
    expect(await eventually(() => hostPidsWith(marker).length === 2)).toBe(true);
    const abortedAt = Date.now();
    controller.abort();
    const r = await run;
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(r.output).toMatch(/\[aborted; the command and its processes were killed\]/);
    expect(await eventually(() => hostPidsWith(marker).length === 0)).toBe(true);
  });

  it('nothing the command started outlives it', async () => {
    const marker = `${50 + Math.random()}`.slice(0, 10);
    const r = await runTool('bash', { command: `nohup sleep ${marker} >/dev/null 2>&1 & echo started` }, sandboxed());
    expect(r).toEqual({ output: 'started', isError: false, exitCode: 0 });
    expect(await eventually(() => hostPidsWith(marker).length === 0)).toBe(true);
  });

  it('still caps the output', async () => {
    const r = await runTool('bash', { command: "echo BEGIN; head -c 200000 /dev/zero | tr '\\0' x; echo; echo END" }, sandboxed({ outputCapBytes: 4096 }));
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(4096);
    expect(r.output).toMatch(/^BEGIN\n[\s\S]*\[output truncated: \d+ bytes omitted[\s\S]*END$/);
  });
});

describe('bash without bubblewrap', () => {
  it('refuses the call with an error naming the package', async () => {
    const missing = createSandbox({ enabled: true, hiddenPaths: [] }, '/nonexistent');
    const r = await runTool('bash', { command: 'touch ran' }, ws.ctx({ sandbox: missing }));
    expect(r).toMatchObject({ isError: true, exitCode: null });
    expect(r.output).toMatch(/tool execution is refused: the sandbox needs bubblewrap .*Install the `bubblewrap` package/s);
    expect(ws.exists('ran')).toBe(false);
  });
});
