import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, isAlive, request, textOf, user } from '../shared/testing';
import { abortAfterFirstEvent, writeFakeCli, type FakeCli } from './fake-cli';
import { unsandboxed } from '../../tools/test-support';
import { createGeminiBackend, createGeminiParser, geminiArgs } from './gemini';

const j = (o: object) => JSON.stringify(o);
const ts = '2025-10-10T12:00:00.000Z';
const SHELL_ID = 'run_shell_command-1760097600000-5c8a1f';

/** A real-shaped `gemini --output-format stream-json` run (headless, no --yolo: a write is denied). */
const OK = [
  'Loaded cached credentials.',
  j({ type: 'init', timestamp: ts, session_id: 'c5b3f0a2-1d4e-4a8b-9f6c-2e7d1b0a3c45', model: 'gemini-2.5-pro' }),
  j({ type: 'message', timestamp: ts, role: 'user', content: 'List files' }),
  j({ type: 'message', timestamp: ts, role: 'assistant', content: "I'll list", delta: true }),
  j({ type: 'message', timestamp: ts, role: 'assistant', content: ' the files.', delta: true }),
  j({ type: 'tool_use', timestamp: ts, tool_name: 'run_shell_command', tool_id: SHELL_ID, parameters: { command: 'ls -la', description: 'List files' } }),
  j({ type: 'tool_result', timestamp: ts, tool_id: SHELL_ID, status: 'success', output: 'file1.txt\nfile2.txt' }),
  j({ type: 'tool_use', timestamp: ts, tool_name: 'write_file', tool_id: 'write_file-2', parameters: { file_path: 'notes.md', content: 'x' } }),
  j({ type: 'tool_result', timestamp: ts, tool_id: 'write_file-2', status: 'error', error: { type: 'permission_denied', message: 'Tool execution for "WriteFile" denied by policy.' } }),
  j({ type: 'error', timestamp: ts, severity: 'warning', message: 'Loop detection is enabled' }),
  j({ type: 'message', timestamp: ts, role: 'assistant', content: 'Here are the files.', delta: true }),
  j({ type: 'result', timestamp: ts, status: 'success', stats: { total_tokens: 250, input_tokens: 50, output_tokens: 200, cached: 0, input: 50, duration_ms: 3000, tool_calls: 2 } }),
];

let dir: string;
let fake: FakeCli;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'gemini-fake-')));
  fake = writeFakeCli(dir, 'gemini', {
    ok: OK,
    fail: {
      stdout: [OK[1]!, j({ type: 'result', timestamp: ts, status: 'error', error: { type: 'FatalAuthenticationError', message: 'Please set an Auth method in your settings.json' }, stats: { total_tokens: 0, input_tokens: 0, output_tokens: 0, cached: 0, input: 0, duration_ms: 0, tool_calls: 0 } })],
      stderr: '',
      code: 41,
    },
    slow: [OK[1]!, OK[3]!],
  });
});

const backend = (mode: string) => createGeminiBackend({ serverEnv: process.env, sandbox: unsandboxed, bin: fake.bin, env: { FAKE_MODE: mode } });

describe('gemini backend', () => {
  it('runs gemini headless with stream-json and maps its events', async () => {
    const events = await collect(backend('ok').call(request([user('List files')], { model: 'gemini-2.5-pro', workspacePath: dir })));
    const log = fake.log();
    expect(log.cwd).toBe(dir);
    expect(log.argv).toEqual(['--output-format', 'stream-json', '-m', 'gemini-2.5-pro', '--prompt=List files']);
    expect(log.argv).not.toContain('--yolo');

    expect(textOf(events)).toBe("I'll list the files.\n\nHere are the files.");
    const shell = { id: SHELL_ID, name: 'run_shell_command', input: { command: 'ls -la', description: 'List files' } };
    const write = { id: 'write_file-2', name: 'write_file', input: { file_path: 'notes.md', content: 'x' } };
    expect(events.filter((e) => e.type === 'tool_activity')).toEqual([
      { type: 'tool_activity', call: shell },
      { type: 'tool_activity', call: shell, result: { output: 'file1.txt\nfile2.txt', isError: false } },
      { type: 'tool_activity', call: write },
      { type: 'tool_activity', call: write, result: { output: 'Tool execution for "WriteFile" denied by policy.', isError: true } },
    ]);
    expect(events.some((e) => e.type === 'error')).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'usage', inputTokens: 50, outputTokens: 200 });
  });

  it('inlines the system prompt and omits -m for the default model', () => {
    expect(geminiArgs({ model: 'default', system: 'Be brief.', messages: [user('hi')] })).toEqual([
      '--output-format', 'stream-json', '--prompt=Instructions:\nBe brief.\n\nCurrent request:\nhi',
    ]);
  });

  it('accepts the older token stat names', () => {
    const parser = createGeminiParser();
    expect(parser.line(j({ type: 'result', status: 'success', stats: { total_tokens: 30, prompt_tokens: 10, candidates_tokens: 20 } }))).toEqual([
      { type: 'usage', inputTokens: 10, outputTokens: 20 },
    ]);
  });

  it('reports an error result, after its usage', async () => {
    const events = await collect(backend('fail').call(request([user('hi')], { workspacePath: dir })));
    expect(events).toEqual([
      { type: 'usage', inputTokens: 0, outputTokens: 0 },
      { type: 'error', message: 'gemini: Please set an Auth method in your settings.json' },
    ]);
  });

  it('reports a run that ends without a result, with the last error event', () => {
    const parser = createGeminiParser();
    parser.line(j({ type: 'error', severity: 'error', message: 'Quota exceeded for gemini-2.5-pro' }));
    expect(parser.end({ code: 1, signal: null, stderr: '' })).toEqual([{ type: 'error', message: 'gemini: exited with code 1: Quota exceeded for gemini-2.5-pro' }]);
  });

  it('kills the whole process group promptly on abort', async () => {
    const result = await abortAfterFirstEvent(fake, (signal) => backend('slow').call(request([user('work')], { signal, workspacePath: dir })));
    expect(result.events.map((e) => e.type)).toEqual(['text_delta']);
    expect(result.endedMs).toBeLessThan(1000);
    expect(isAlive(result.pids.self)).toBe(false);
    expect(isAlive(result.pids.grandchild)).toBe(false);
  });
});
