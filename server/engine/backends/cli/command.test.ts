import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, isAlive, request, textOf, user, waitFor } from '../shared/testing';
import type { ModelMessage } from '../types';
import { createCommandBackend } from './command';
import { abortAfterFirstEvent, writeFakeCli, type FakeCli } from './fake-cli';
import { createSandbox } from '../../sandbox/bubblewrap';
import { unsandboxed } from '../../tools/test-support';

let dir: string;
let fake: FakeCli;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'command-fake-')));
  fake = writeFakeCli(dir, 'my-agent', {
    ok: [
      '{"type":"text","text":"Hello"}',
      '{"type":"text","text":" world"}',
      'plain line from the agent',
      '{"type":"status","state":"thinking"}',
      '{"type":"usage","input_tokens":11,"output_tokens":7}',
    ],
    fail: { stdout: ['starting'], stderr: 'Traceback (most recent call last):\nRuntimeError: boom\n', code: 3 },
    slow: ['{"type":"text","text":"working"}'],
  });
});

const backend = (mode: string) => createCommandBackend({ serverEnv: process.env, sandbox: unsandboxed, command: [fake.bin, '--fast'], env: { FAKE_MODE: mode } });

describe('command backend', () => {
  it('feeds the prompt on stdin and maps JSON and plain lines', async () => {
    const messages: ModelMessage[] = [user('first'), { role: 'assistant', text: 'ok', toolCalls: [] }, user('second')];
    const events = await collect(backend('ok').call(request(messages, { model: 'default', system: 'sys', workspacePath: dir })));
    const log = fake.log();
    expect(log.argv).toEqual(['--fast']);
    expect(log.cwd).toBe(dir);
    expect(log.stdin).toBe('Conversation so far:\nUser: first\n\nAssistant: ok\n\nCurrent request:\nsecond');
    expect(log.env).toMatchObject({ AGENT_MODEL: 'default', AGENT_SYSTEM_PROMPT: 'sys', AGENT_WORKSPACE: dir });
    expect(textOf(events)).toBe('Hello worldplain line from the agent\n{"type":"status","state":"thinking"}\n');
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: 11, outputTokens: 7 });
  });

  it('turns a non-zero exit into an error with stderr', async () => {
    const events = await collect(backend('fail').call(request([user('hi')], { workspacePath: dir })));
    expect(events).toEqual([
      { type: 'text_delta', text: 'starting\n' },
      { type: 'error', message: 'command: exited with code 3: Traceback (most recent call last):\nRuntimeError: boom' },
    ]);
  });

  it('runs shell commands given as sh -c, and maps error lines', async () => {
    const shell = createCommandBackend({ serverEnv: process.env, sandbox: unsandboxed, command: ['/bin/sh', '-c', 'read line; echo "got: $line"; echo \'{"type":"error","message":"nope"}\'; echo never'] });
    const events = await collect(shell.call(request([user('ping')], { workspacePath: dir })));
    expect(events).toEqual([
      { type: 'text_delta', text: 'got: ping\n' },
      { type: 'error', message: 'command: nope' },
    ]);
  });

  it('does not hang on a background process that keeps stdout open after the agent exits', async () => {
    const leaky = createCommandBackend({ serverEnv: process.env, sandbox: unsandboxed, command: ['/bin/sh', '-c', 'sleep 30 & echo $! > bg.pid; echo done'] });
    const started = Date.now();
    const events = await collect(leaky.call(request([user('x')], { workspacePath: dir })));
    expect(events).toEqual([{ type: 'text_delta', text: 'done\n' }]);
    expect(Date.now() - started).toBeLessThan(3500);
    const bg = Number(readFileSync(path.join(dir, 'bg.pid'), 'utf8'));
    expect(await waitFor(() => !isAlive(bg), 1000)).toBe(true);
  });

  it('reports a workspace that does not exist', async () => {
    const events = await collect(backend('ok').call(request([user('x')], { workspacePath: path.join(dir, 'gone') })));
    expect(events).toEqual([{ type: 'error', message: `command: workspace ${path.join(dir, 'gone')} is not usable: ENOENT: no such file or directory, stat '${path.join(dir, 'gone')}'` }]);
  });

  it('kills the whole process group promptly on abort', async () => {
    const result = await abortAfterFirstEvent(fake, (signal) => backend('slow').call(request([user('work')], { signal, workspacePath: dir })));
    expect(result.events).toEqual([{ type: 'text_delta', text: 'working' }]);
    expect(result.endedMs).toBeLessThan(1000);
    expect(isAlive(result.pids.self)).toBe(false);
    expect(isAlive(result.pids.grandchild)).toBe(false);
  });

  it('checks health without running the agent, and refuses an empty command', async () => {
    expect(await backend('ok').health()).toEqual({ ok: true, message: `runs ${fake.bin}` });
    expect((await createCommandBackend({ serverEnv: process.env, sandbox: unsandboxed, command: [path.join(dir, 'missing')] }).health()).ok).toBe(false);
    expect(() => createCommandBackend({ serverEnv: process.env, sandbox: unsandboxed, command: [] })).toThrow(/command/);
  });
});

describe.runIf(createSandbox({ enabled: true, hiddenPaths: [] }).unavailableReason() === null)('command backend in the sandbox', () => {
  it('runs with the network and a writable workspace, gets the variables it needs and never the server secrets', async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'command-data-')), 'data');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'admin-token'), 'admin-token-in-data-dir-0123456789');
    const listener = net.createServer((socket) => socket.end('reached\n'));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as net.AddressInfo;
    const serverEnv = { ...process.env, ADMIN_TOKEN: 'admin-token-in-env-0123456789', AUTH_SECRET: 'auth-secret-in-env-0123456789abcdef', DATABASE_URL: 'postgres://u:db-password@h/db', MY_AGENT_KEY: 'agent-key-1' };
    const script = [
      'cat /proc/1/environ /proc/$PPID/environ | tr "\\0" "\\n"; env',
      `cat ${dataDir}/admin-token 2>&1`,
      'echo written > agent-out.txt',
      `${process.execPath} -e "require('node:net').connect(${port}, '127.0.0.1').pipe(process.stdout)"`,
    ].join('; ');
    const agent = createCommandBackend({
      serverEnv,
      sandbox: createSandbox({ enabled: true, hiddenPaths: [dataDir] }),
      command: ['/bin/sh', '-c', script],
      passEnv: ['MY_AGENT_KEY', 'ADMIN_TOKEN'],
    });
    try {
      const out = textOf(await collect(agent.call(request([user('go')], { workspacePath: dir }))));
      expect(out).toContain('MY_AGENT_KEY=agent-key-1');
      expect(out).toContain(`AGENT_WORKSPACE=${dir}`);
      expect(out).toMatch(/^reached$/m);
      for (const secret of ['admin-token-in-env', 'admin-token-in-data-dir', 'auth-secret-in-env', 'db-password']) expect(out).not.toContain(secret);
      expect(readFileSync(path.join(dir, 'agent-out.txt'), 'utf8')).toBe('written\n');
    } finally {
      listener.close();
    }
  });

  it('reports a missing bubblewrap as the call error, naming the package', async () => {
    const agent = createCommandBackend({ serverEnv: process.env, sandbox: createSandbox({ enabled: true, hiddenPaths: [] }, '/nonexistent'), command: ['/bin/true'] });
    const events = await collect(agent.call(request([user('go')], { workspacePath: dir })));
    expect(events).toEqual([{ type: 'error', message: expect.stringMatching(/^command: tool execution is refused: the sandbox needs bubblewrap .*`bubblewrap` package/s) }]);
  });
});
