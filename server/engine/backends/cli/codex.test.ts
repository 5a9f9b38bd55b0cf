import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, isAlive, request, textOf, user } from '../shared/testing';
import { codexArgs, createCodexBackend, createCodexParser } from './codex';
import { abortAfterFirstEvent, writeFakeCli, type FakeCli } from './fake-cli';
import { unsandboxed } from '../../tools/test-support';

const j = (o: object) => JSON.stringify(o);

/** A real-shaped `codex exec --json` run. */
const OK = [
  j({ type: 'thread.started', thread_id: '0199a213-81c0-7800-8aa1-bbab2a035a53' }),
  j({ type: 'turn.started' }),
  j({ type: 'item.completed', item: { id: 'item_0', type: 'reasoning', text: '**Listing files**' } }),
  j({ type: 'item.started', item: { id: 'item_1', type: 'command_execution', command: 'bash -lc ls', aggregated_output: '', exit_code: null, status: 'in_progress' } }),
  j({ type: 'item.completed', item: { id: 'item_1', type: 'command_execution', command: 'bash -lc ls', aggregated_output: 'README.md\nsrc\n', exit_code: 0, status: 'completed' } }),
  j({ type: 'error', message: 'Reconnecting... 1/5' }),
  j({ type: 'item.started', item: { id: 'item_2', type: 'command_execution', command: "bash -lc 'cat missing'", aggregated_output: '', exit_code: null, status: 'in_progress' } }),
  j({ type: 'item.completed', item: { id: 'item_2', type: 'command_execution', command: "bash -lc 'cat missing'", aggregated_output: 'cat: missing: No such file or directory\n', exit_code: 1, status: 'failed' } }),
  j({ type: 'item.completed', item: { id: 'item_3', type: 'agent_message', text: 'The repo has a README.' } }),
  j({ type: 'item.started', item: { id: 'item_4', type: 'todo_list', items: [{ text: 'write hello.txt', completed: false }] } }),
  j({ type: 'item.completed', item: { id: 'item_5', type: 'file_change', changes: [{ path: '/ws/hello.txt', kind: 'add' }, { path: '/ws/README.md', kind: 'update' }], status: 'completed' } }),
  j({ type: 'item.completed', item: { id: 'item_6', type: 'agent_message', text: 'Created hello.txt.' } }),
  j({ type: 'turn.completed', usage: { input_tokens: 24763, cached_input_tokens: 24448, output_tokens: 122 } }),
];

let dir: string;
let fake: FakeCli;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'codex-fake-')));
  fake = writeFakeCli(dir, 'codex', {
    ok: OK,
    fail: {
      stdout: [OK[0]!, OK[1]!, j({ type: 'error', message: 'unexpected status 401 Unauthorized: Missing bearer authentication in header' }), j({ type: 'turn.failed', error: { message: 'unexpected status 401 Unauthorized: Missing bearer authentication in header' } })],
      stderr: '',
      code: 1,
    },
    slow: [OK[0]!, OK[1]!, OK[3]!],
  });
});

const backend = (mode: string) => createCodexBackend({ serverEnv: process.env, sandbox: unsandboxed, bin: fake.bin, env: { FAKE_MODE: mode } });

describe('codex backend', () => {
  it('runs codex exec --json in the workspace and maps its items', async () => {
    const events = await collect(backend('ok').call(request([user('add hello.txt')], { model: 'gpt-5-codex', system: 'Be careful.', workspacePath: dir })));
    const log = fake.log();
    expect(log.cwd).toBe(dir);
    expect(log.argv).toEqual(['exec', '--json', '--skip-git-repo-check', '--model', 'gpt-5-codex', '--', 'Instructions:\nBe careful.\n\nCurrent request:\nadd hello.txt']);

    expect(textOf(events)).toBe('The repo has a README.\n\nCreated hello.txt.');
    const ls = { id: 'item_1', name: 'command_execution', input: { command: 'bash -lc ls' } };
    const cat = { id: 'item_2', name: 'command_execution', input: { command: "bash -lc 'cat missing'" } };
    expect(events.filter((e) => e.type === 'tool_activity')).toEqual([
      { type: 'tool_activity', call: ls },
      { type: 'tool_activity', call: ls, result: { output: 'README.md\nsrc\n', isError: false } },
      { type: 'tool_activity', call: cat },
      { type: 'tool_activity', call: cat, result: { output: 'cat: missing: No such file or directory\n', isError: true } },
      {
        type: 'tool_activity',
        call: { id: 'item_5', name: 'file_change', input: { changes: [{ path: '/ws/hello.txt', kind: 'add' }, { path: '/ws/README.md', kind: 'update' }] } },
        result: { output: 'add /ws/hello.txt\nupdate /ws/README.md', isError: false },
      },
    ]);
    // The transient "Reconnecting" error is not fatal once the turn completes.
    expect(events.some((e) => e.type === 'error')).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: 24763, outputTokens: 122 });
  });

  it('passes no --model for the default model', () => {
    expect(codexArgs({ model: 'default', messages: [user('-n is a flag?')] })).toEqual(['exec', '--json', '--skip-git-repo-check', '--', '-n is a flag?']);
    expect(codexArgs({ model: 'default', messages: [user('x')] }, ['--sandbox', 'workspace-write'])).toEqual([
      'exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write', '--', 'x',
    ]);
  });

  it('reports turn.failed as an error', async () => {
    const events = await collect(backend('fail').call(request([user('hi')], { workspacePath: dir })));
    expect(events).toEqual([{ type: 'error', message: 'codex: unexpected status 401 Unauthorized: Missing bearer authentication in header' }]);
  });

  it('reports the last error when the run ends without turn.completed', () => {
    const parser = createCodexParser();
    expect(parser.line(j({ type: 'error', message: 'stream disconnected before completion' }))).toEqual([]);
    expect(parser.end({ code: 1, signal: null, stderr: '' })).toEqual([{ type: 'error', message: 'codex: stream disconnected before completion' }]);
    const quiet = createCodexParser();
    quiet.line('not json at all');
    expect(quiet.end({ code: 2, signal: null, stderr: 'error: unexpected argument --json\n' })).toEqual([
      { type: 'error', message: 'codex: exited with code 2: not json at all\nerror: unexpected argument --json' },
    ]);
  });

  it('maps MCP tool calls', () => {
    const parser = createCodexParser();
    const item = { id: 'item_9', type: 'mcp_tool_call', server: 'docs', tool: 'search', arguments: { q: 'x' }, result: { content: [{ type: 'text', text: 'found' }], structured_content: null }, error: null, status: 'completed' };
    expect(parser.line(j({ type: 'item.completed', item }))).toEqual([
      { type: 'tool_activity', call: { id: 'item_9', name: 'mcp:docs/search', input: { q: 'x' } }, result: { output: 'found', isError: false } },
    ]);
  });

  it('kills the whole process group promptly on abort', async () => {
    const result = await abortAfterFirstEvent(fake, (signal) => backend('slow').call(request([user('work')], { signal, workspacePath: dir })));
    expect(result.events).toHaveLength(1);
    expect(result.endedMs).toBeLessThan(1000);
    expect(isAlive(result.pids.self)).toBe(false);
    expect(isAlive(result.pids.grandchild)).toBe(false);
  });

  it('describes its models', () => {
    expect(backend('ok').models().map((m) => [m.ref, m.displayName])).toEqual([
      ['codex:default', 'Codex CLI'],
      ['codex:gpt-5-codex', 'Codex CLI (gpt-5-codex)'],
      ['codex:gpt-5', 'Codex CLI (gpt-5)'],
    ]);
  });
});
