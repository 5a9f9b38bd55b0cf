import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_TOOLS, getTool, runTool, summarizeToolCall, toolSpecs } from './registry';
import { makeWorkspace, type TempWorkspace } from './test-support';

let ws: TempWorkspace;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

describe('registry', () => {
  it('has every tool once, with the expected categories', () => {
    expect(Object.fromEntries(ALL_TOOLS.map((t) => [t.name, t.category]))).toEqual({
      read_file: 'read',
      list_files: 'read',
      search_files: 'read',
      write_file: 'write',
      edit_file: 'write',
      apply_patch: 'write',
      bash: 'bash',
      current_time: 'none',
    });
    expect(getTool('bash')?.name).toBe('bash');
    expect(getTool('nope')).toBeUndefined();
  });

  it('produces JSON Schema object specs without $schema, defaults optional', () => {
    const specs = toolSpecs();
    expect(specs.map((s) => s.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    for (const spec of specs) {
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.inputSchema.type).toBe('object');
      expect(spec.inputSchema).not.toHaveProperty('$schema');
      expect(spec.inputSchema.additionalProperties).toBe(false);
      expect(spec.inputSchema.properties).toBeTypeOf('object');
    }
    const list = toolSpecs(['list_files'])[0]!;
    expect(list.inputSchema.required ?? []).not.toContain('path');
    expect(list.inputSchema.properties).toMatchObject({ path: { type: 'string', default: '.' }, recursive: { type: 'boolean' } });
    const edit = toolSpecs(['edit_file'])[0]!;
    expect(edit.inputSchema.required).toEqual(['path', 'old_string', 'new_string']);
    expect(() => toolSpecs(['read_file', 'typo'])).toThrow(/unknown tool "typo"/);
    // The specs must survive JSON (they go over the wire to providers).
    expect(JSON.parse(JSON.stringify(specs))).toEqual(specs);
  });

  it('reports invalid input field by field instead of throwing', async () => {
    expect(await runTool('read_file', { path: 42 }, ws.ctx())).toEqual({
      output: 'invalid input: path: Invalid input: expected string, received number',
      isError: true,
    });
    const r = await runTool('read_file', { offset: 0 }, ws.ctx());
    expect(r.isError).toBe(true);
    expect(r.output).toMatch(/^invalid input: path: .*; offset: /);
    expect(await runTool('bash', 'not json', ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/^invalid input: \(input\): /) });
  });

  it('accepts arguments as a JSON string and missing arguments as {}', async () => {
    ws.write('a.txt', 'x\n');
    expect((await runTool('read_file', '{"path":"a.txt"}', ws.ctx())).output).toBe('     1\tx');
    expect((await runTool('list_files', undefined, ws.ctx())).output).toBe('a.txt');
  });

  it('turns unknown tools, confinement violations and fs errors into error results', async () => {
    expect(await runTool('rm_rf', {}, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/^unknown tool "rm_rf"; available: read_file/) });
    fs.symlinkSync(ws.outside, path.join(ws.root, 'out'));
    expect(await runTool('write_file', { path: 'out/x', content: 'x' }, ws.ctx())).toEqual({
      output: 'path "out/x" leads outside the workspace through a symbolic link',
      isError: true,
    });
    ws.write('file', 'x');
    const r = await runTool('write_file', { path: 'file/child', content: 'x' }, ws.ctx());
    expect(r.isError).toBe(true);
    expect(r.output).toMatch(/not a directory|already exists/);
  });

  it('does not run anything once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await runTool('write_file', { path: 'x', content: 'x' }, ws.ctx({ signal: controller.signal }))).toEqual({ output: 'aborted', isError: true });
    expect(ws.exists('x')).toBe(false);
  });

  it('caps any tool output at outputCapBytes', async () => {
    ws.write('a.txt', 'z'.repeat(1500));
    const r = await runTool('read_file', { path: 'a.txt' }, ws.ctx({ outputCapBytes: 300 }));
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(300);
    expect(r.output).toMatch(/\[output truncated/);
  });

  it('summarizes raw calls, with defaults applied and a fallback for bad input', () => {
    expect(summarizeToolCall('bash', { command: 'ls -la' })).toBe('ls -la');
    expect(summarizeToolCall('list_files', {})).toBe('list .');
    expect(summarizeToolCall('read_file', { path: 'a.ts', offset: 10, limit: 5 })).toBe('read a.ts (lines 10–14)');
    expect(summarizeToolCall('write_file', { path: 'x' })).toBe('write_file {"path":"x"}');
    expect(summarizeToolCall('apply_patch', { patch: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n' })).toBe('apply patch to x');
  });
});
