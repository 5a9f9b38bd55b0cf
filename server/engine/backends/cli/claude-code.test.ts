import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, isAlive, request, textOf, user, waitFor } from '../shared/testing';
import type { ModelMessage } from '../types';
import { claudeArgs, createClaudeCodeBackend } from './claude-code';
import { abortAfterFirstEvent, writeFakeCli, type FakeCli } from './fake-cli';
import { unsandboxed } from '../../tools/test-support';

const SESSION = '8f5b3a2e-7c1d-4e9a-b6f0-2d4c8e1a9b37';
const j = (o: object) => JSON.stringify(o);
const msg = (content: object[], usage = { input_tokens: 4, cache_creation_input_tokens: 1520, cache_read_input_tokens: 13010, output_tokens: 3, service_tier: 'standard' }) => ({
  id: 'msg_01SkXcKKHUSU8FNu4mqq8zfq', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content, stop_reason: null, stop_sequence: null, usage,
});

/** A real-shaped `claude -p --output-format stream-json --verbose` run: text, a Bash call and its result, the answer. */
const OK = [
  j({ type: 'system', subtype: 'init', cwd: '/ws', session_id: SESSION, tools: ['Task', 'Bash', 'Glob', 'Grep', 'Read', 'Edit', 'Write', 'TodoWrite'], mcp_servers: [], model: 'claude-sonnet-4-5-20250929', permissionMode: 'default', slash_commands: ['compact', 'review'], apiKeySource: 'ANTHROPIC_API_KEY', output_style: 'default', uuid: 'a1' }),
  j({ type: 'assistant', message: msg([{ type: 'text', text: "I'll list the files." }]), parent_tool_use_id: null, session_id: SESSION, uuid: 'a2' }),
  j({ type: 'assistant', message: msg([{ type: 'tool_use', id: 'toolu_01BvS3nwGJ3ZcGQ6cj7N1LrJ', name: 'Bash', input: { command: 'ls', description: 'List files' } }]), parent_tool_use_id: null, session_id: SESSION, uuid: 'a3' }),
  j({ type: 'user', message: { role: 'user', content: [{ tool_use_id: 'toolu_01BvS3nwGJ3ZcGQ6cj7N1LrJ', type: 'tool_result', content: 'a.txt\nb.txt', is_error: false }] }, parent_tool_use_id: null, session_id: SESSION, uuid: 'a4', tool_use_result: { stdout: 'a.txt\nb.txt', stderr: '', interrupted: false, isImage: false } }),
  j({ type: 'assistant', message: msg([{ type: 'tool_use', id: 'toolu_02', name: 'Read', input: { file_path: '/ws/missing.txt' } }]), parent_tool_use_id: null, session_id: SESSION, uuid: 'a5' }),
  j({ type: 'user', message: { role: 'user', content: [{ tool_use_id: 'toolu_02', type: 'tool_result', content: [{ type: 'text', text: 'File does not exist.' }], is_error: true }] }, parent_tool_use_id: null, session_id: SESSION, uuid: 'a6' }),
  j({ type: 'assistant', message: msg([{ type: 'text', text: 'Sub-agent chatter' }]), parent_tool_use_id: 'toolu_task', session_id: SESSION, uuid: 'a7' }),
  j({ type: 'assistant', message: msg([{ type: 'text', text: 'There are two files: a.txt and b.txt.' }]), parent_tool_use_id: null, session_id: SESSION, uuid: 'a8' }),
  j({ type: 'result', subtype: 'success', is_error: false, duration_ms: 5234, duration_api_ms: 4800, num_turns: 3, result: 'There are two files: a.txt and b.txt.', session_id: SESSION, total_cost_usd: 0.0123, usage: { input_tokens: 12, cache_creation_input_tokens: 1520, cache_read_input_tokens: 26020, output_tokens: 120, server_tool_use: { web_search_requests: 0 }, service_tier: 'standard' }, permission_denials: [], uuid: 'a9' }),
];

let dir: string;
let fake: FakeCli;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'claude-fake-')));
  fake = writeFakeCli(dir, 'claude', {
    ok: OK,
    fail: {
      stdout: [OK[0]!, j({ type: 'result', subtype: 'error_max_turns', is_error: true, duration_ms: 900, num_turns: 10, session_id: SESSION, total_cost_usd: 0.2, usage: { input_tokens: 100, output_tokens: 5 } })],
      stderr: '',
      code: 1,
    },
    slow: [OK[0]!, OK[1]!],
  });
});

const backend = (mode: string, extra: object = {}) => createClaudeCodeBackend({ serverEnv: process.env, sandbox: unsandboxed, bin: fake.bin, env: { FAKE_MODE: mode }, ...extra });

describe('claude-code backend', () => {
  it('runs claude -p with stream-json in the workspace and maps its events', async () => {
    const events = await collect(backend('ok').call(request([user('list the files')], { model: 'sonnet', system: 'Be brief.', workspacePath: dir })));
    const log = fake.log();
    expect(log.cwd).toBe(dir);
    expect(log.argv).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--model', 'sonnet', '--append-system-prompt', 'Be brief.', '--', 'list the files']);

    expect(textOf(events)).toBe("I'll list the files.\n\nThere are two files: a.txt and b.txt.");
    const bash = { id: 'toolu_01BvS3nwGJ3ZcGQ6cj7N1LrJ', name: 'Bash', input: { command: 'ls', description: 'List files' } };
    const read = { id: 'toolu_02', name: 'Read', input: { file_path: '/ws/missing.txt' } };
    expect(events.filter((e) => e.type === 'tool_activity')).toEqual([
      { type: 'tool_activity', call: bash },
      { type: 'tool_activity', call: bash, result: { output: 'a.txt\nb.txt', isError: false } },
      { type: 'tool_activity', call: read },
      { type: 'tool_activity', call: read, result: { output: 'File does not exist.', isError: true } },
    ]);
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: 12 + 1520 + 26020, outputTokens: 120 });
    expect(events.some((e) => e.type === 'error' || e.type === 'tool_call')).toBe(false);
  });

  it('passes no --model for the default model and summarises earlier turns into the prompt', () => {
    const messages: ModelMessage[] = [
      user('create hello.txt'),
      { role: 'assistant', text: 'Created it.', toolCalls: [] },
      { role: 'user', content: [{ type: 'text', text: 'now read it' }, { type: 'image', path: '/ws/shot.png', workspace: '/ws', mimeType: 'image/png' }] },
    ];
    const args = claudeArgs({ model: 'default', messages });
    expect(args.slice(0, 5)).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--']);
    expect(args[5]).toBe(
      'Conversation so far:\nUser: create hello.txt\n\nAssistant: Created it.\n\nCurrent request:\nnow read it\n\nAttached images (files in the workspace): /ws/shot.png',
    );
  });

  it('turns an error result into usage then an error event', async () => {
    const events = await collect(backend('fail').call(request([user('loop forever')], { workspacePath: dir })));
    expect(events).toEqual([
      { type: 'usage', inputTokens: 100, outputTokens: 5 },
      { type: 'error', message: 'claude-code: error_max_turns' },
    ]);
  });

  it('reports a crash without a result with its exit code and stderr', async () => {
    const crashing = writeFakeCli(dir, 'claude-crash', { ok: [], fail: { stdout: ['Loading…'], stderr: 'Error: Invalid API key · Please run /login\n', code: 1 }, slow: [] });
    const events = await collect(createClaudeCodeBackend({ serverEnv: process.env, sandbox: unsandboxed, bin: crashing.bin, env: { FAKE_MODE: 'fail' } }).call(request([user('hi')], { workspacePath: dir })));
    expect(events).toEqual([{ type: 'error', message: 'claude-code: exited with code 1: Loading…\nError: Invalid API key · Please run /login' }]);
  });

  it('reports a missing binary', async () => {
    const events = await collect(createClaudeCodeBackend({ serverEnv: process.env, sandbox: unsandboxed, bin: path.join(dir, 'nope') }).call(request([user('hi')], { workspacePath: dir })));
    expect(events).toHaveLength(1);
    expect(events[0]!.type === 'error' && events[0]!.message).toMatch(/^claude-code: cannot run .*nope: .*ENOENT/);
  });

  it('kills the whole process group promptly on abort', async () => {
    const result = await abortAfterFirstEvent(fake, (signal) => backend('slow').call(request([user('work')], { signal, workspacePath: dir })));
    expect(result.events.map((e) => e.type)).toEqual(['text_delta']);
    expect(result.endedMs).toBeLessThan(1000);
    expect(isAlive(result.pids.self)).toBe(false);
    expect(isAlive(result.pids.grandchild)).toBe(false);
    expect(result.goneMs).toBeLessThan(1000);
  });

  it('escalates to SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const result = await abortAfterFirstEvent(fake, (signal) => backend('stubborn').call(request([user('work')], { signal, workspacePath: dir })));
    expect(isAlive(result.pids.self)).toBe(false);
    expect(isAlive(result.pids.grandchild)).toBe(false);
    expect(result.goneMs).toBeGreaterThanOrEqual(900);
    expect(result.goneMs).toBeLessThan(1800);
    expect(result.endedMs).toBeLessThan(1800);
  });

  it('kills the process when the consumer stops reading early', async () => {
    const iterator = backend('slow').call(request([user('work')], { workspacePath: dir }))[Symbol.asyncIterator]();
    await iterator.next();
    const pids = fake.pids()!;
    await iterator.return?.(undefined);
    expect(await waitFor(() => !isAlive(pids.self) && !isAlive(pids.grandchild), 1500)).toBe(true);
  });

  it('describes its models and checks health with --version', async () => {
    expect(backend('ok').models().map((m) => m.ref)).toEqual(['claude-code:default', 'claude-code:sonnet', 'claude-code:opus', 'claude-code:haiku']);
    expect(backend('ok').models()[0]).toMatchObject({ displayName: 'Claude Code', capabilities: { tools: true, vision: false, streaming: true }, pricing: { inputPerMTok: 0, outputPerMTok: 0 } });
    expect(backend('ok').kind).toBe('cli');
    // The fake prints its ok lines for --version too, and exits 0.
    expect((await backend('ok').health()).ok).toBe(true);
    expect(await createClaudeCodeBackend({ serverEnv: process.env, sandbox: unsandboxed, bin: path.join(dir, 'nope') }).health()).toMatchObject({ ok: false });
  });
});
