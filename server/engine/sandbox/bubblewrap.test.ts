import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, sandboxEnv, SandboxUnavailableError, type SandboxMode } from './bubblewrap';

// A server's view: a DATA_DIR holding a secret, the default workspace root inside it, and a secret
// in the server's own environment.
const SECRET = 'sb-secret-admin-token-0123456789';
let root: string;
let dataDir: string;
let workspace: string;
let listener: net.Server;
let port: number;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-test-'));
  dataDir = path.join(root, 'data');
  workspace = path.join(dataDir, 'workspaces', 'repo');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'admin-token'), SECRET, { mode: 0o600 });
  fs.writeFileSync(path.join(workspace, 'README'), 'hello from the workspace\n');
  listener = net.createServer((socket) => socket.end('reached\n'));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as net.AddressInfo).port;
});
afterAll(() => {
  listener.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const sandbox = () => createSandbox({ enabled: true, hiddenPaths: [dataDir] });

/** Runs a bash script in the sandbox the way the bash tool does, with a secret in the server's environment. */
async function run(script: string, mode: SandboxMode = 'workspace-write', network = false): Promise<{ code: number | null; out: string }> {
  const command = sandbox().wrap({
    bin: 'bash',
    args: ['-c', script],
    cwd: workspace,
    env: sandboxEnv({ ...process.env, ADMIN_TOKEN: SECRET }, { HOME: '/tmp' }),
    mode,
    workspace,
    network,
  });
  // Asynchronously: the network test's listener lives in this process and must be able to answer.
  const child = spawn(command.bin, command.args, { cwd: command.cwd, env: command.env as NodeJS.ProcessEnv, timeout: 20_000 });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out };
}

const available = createSandbox({ enabled: true, hiddenPaths: [] }).unavailableReason() === null;

describe.runIf(available)('bubblewrap sandbox (bash as the agent runs it)', () => {
  it('no process the sandbox can see holds a secret in its environment: /proc/1/environ, the parent, itself', async () => {
    const { code, out } = await run('cat /proc/1/environ /proc/$PPID/environ /proc/self/environ | tr "\\0" "\\n"; ls /proc | grep -E "^[0-9]+$" | wc -l');
    expect(code).toBe(0);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('PATH=');
    // Only the sandbox's own few processes are visible, never the server.
    expect(Number(out.trim().split('\n').pop())).toBeLessThan(6);
  });

  it('DATA_DIR is empty from inside: the admin token file cannot be read', async () => {
    const { code, out } = await run(`cat ${dataDir}/admin-token || exit 7`);
    expect(code).toBe(7);
    expect(out).not.toContain(SECRET);
    expect(out).toMatch(/No such file/);
  });

  it('the workspace is readable and writable, even inside DATA_DIR', async () => {
    const { code, out } = await run('cat README && echo written > out.txt && cat out.txt');
    expect(code).toBe(0);
    expect(out).toContain('hello from the workspace');
    expect(fs.readFileSync(path.join(workspace, 'out.txt'), 'utf8')).toBe('written\n');
  });

  it('a write outside the workspace fails; /tmp is private', async () => {
    const outside = path.join('/var/tmp', `sandbox-escape-${process.pid}.txt`);
    const { code, out } = await run(`echo x > ${outside}; echo y > /tmp/private && cat /tmp/private`);
    expect(out).toMatch(/Read-only file system/);
    expect(out).toContain('y');
    expect(code).toBe(0);
    expect(fs.existsSync(outside)).toBe(false);
  });

  it('the network is unreachable in workspace-write, reachable when the policy allows it', async () => {
    const probe = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`;
    const denied = await run(probe);
    expect(denied.code).not.toBe(0);
    expect(denied.out).not.toContain('reached');
    const allowed = await run(probe, 'workspace-write', true);
    expect(allowed.out).toContain('reached');
  });

  it('a hidden file (a .env beside the server) cannot be read; a readable path under /tmp stays visible', async () => {
    const serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-server-'));
    try {
      fs.writeFileSync(path.join(serverDir, '.env'), `ADMIN_TOKEN=${SECRET}\n`);
      fs.writeFileSync(path.join(serverDir, 'agent'), '#!/bin/sh\necho agent ran\n', { mode: 0o755 });
      const command = createSandbox({ enabled: true, hiddenPaths: [path.join(serverDir, '.env')] }).wrap({
        bin: 'bash',
        args: ['-c', `cat ${serverDir}/.env; ${serverDir}/agent`],
        cwd: workspace,
        env: sandboxEnv(process.env),
        mode: 'workspace-write',
        workspace,
        network: false,
        readablePaths: [serverDir],
      });
      const child = spawn(command.bin, command.args, { cwd: command.cwd, env: command.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      await new Promise((resolve) => child.on('close', resolve));
      expect(out).not.toContain(SECRET);
      expect(out).toMatch(/agent ran\n$/);
    } finally {
      fs.rmSync(serverDir, { recursive: true, force: true });
    }
  });

  it('read-only mode cannot write even the workspace', async () => {
    const { out } = await run('echo x > ro.txt', 'read-only');
    expect(out).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(workspace, 'ro.txt'))).toBe(false);
  });
});

describe('without bubblewrap', () => {
  it('refuses to run anything, naming the package, unless the admin turned the sandbox off', async () => {
    const missing = createSandbox({ enabled: true, hiddenPaths: [] }, '/nonexistent');
    const request = { bin: 'true', args: [], cwd: '/', env: {}, mode: 'workspace-write' as const, workspace: os.tmpdir(), network: false };
    expect(() => missing.wrap(request)).toThrow(SandboxUnavailableError);
    expect(() => missing.wrap(request)).toThrow(/bubblewrap/);
    const off = createSandbox({ enabled: false, hiddenPaths: [] }, '/nonexistent');
    expect(off.wrap(request)).toMatchObject({ bin: 'true' });
  });
});
