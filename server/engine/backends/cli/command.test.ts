import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, isAlive, request, textOf, user, waitFor } from '../shared/testing';
import type { ModelMessage } from '../types';
import { createCommandBackend } from './command';
import { abortAfterFirstEvent, writeFakeCli, type FakeCli } from './fake-cli';
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
