import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTool } from './registry';
import { makeWorkspace, type TempWorkspace } from './test-support';

let ws: TempWorkspace;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

describe('edit_file', () => {
  it('replaces a unique occurrence', async () => {
    ws.write('a.ts', 'const a = 1;\nconst b = 2;\n');
    const r = await runTool('edit_file', { path: 'a.ts', old_string: 'const b = 2;', new_string: 'const b = 3;' }, ws.ctx());
    expect(r).toEqual({ output: 'replaced 1 occurrence in a.ts', isError: false, changedFiles: ['a.ts'] });
    expect(ws.read('a.ts')).toBe('const a = 1;\nconst b = 3;\n');
  });

  it('refuses an ambiguous match unless replace_all', async () => {
    ws.write('a.ts', 'x = 1;\nx = 1;\nx = 1;\n');
    const r = await runTool('edit_file', { path: 'a.ts', old_string: 'x = 1;', new_string: 'y' }, ws.ctx());
    expect(r).toMatchObject({ isError: true, output: expect.stringMatching(/occurs 3 times/) });
    expect(ws.read('a.ts')).toBe('x = 1;\nx = 1;\nx = 1;\n');
    const all = await runTool('edit_file', { path: 'a.ts', old_string: 'x = 1;', new_string: 'y', replace_all: true }, ws.ctx());
    expect(all.output).toBe('replaced 3 occurrences in a.ts');
    expect(ws.read('a.ts')).toBe('y\ny\ny\n');
  });

  it('inserts replacement text literally ($& and $1 are not special)', async () => {
    ws.write('a.txt', 'price: X\n');
    await runTool('edit_file', { path: 'a.txt', old_string: 'X', new_string: "$& $1 $$ $'" }, ws.ctx());
    expect(ws.read('a.txt')).toBe("price: $& $1 $$ $'\n");
  });

  it('matches LF text against a CRLF file and keeps its line endings', async () => {
    ws.write('w.txt', 'one\r\ntwo\r\nthree\r\n');
    const r = await runTool('edit_file', { path: 'w.txt', old_string: 'one\ntwo', new_string: 'uno\ndos' }, ws.ctx());
    expect(r.isError).toBe(false);
    expect(ws.read('w.txt')).toBe('uno\r\ndos\r\nthree\r\n');
  });

  it('reports a missing old_string, identical strings, empty old_string and missing files', async () => {
    ws.write('a.txt', 'hello\n');
    expect(await runTool('edit_file', { path: 'a.txt', old_string: 'bye', new_string: 'x' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/not found/) });
    expect(await runTool('edit_file', { path: 'a.txt', old_string: 'hello', new_string: 'hello' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/identical/) });
    expect(await runTool('edit_file', { path: 'a.txt', old_string: '', new_string: 'x' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/^invalid input: old_string:/) });
    expect(await runTool('edit_file', { path: 'b.txt', old_string: 'a', new_string: 'b' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/no such file/) });
  });

  it('refuses to edit a file outside through a symlink', async () => {
    fs.writeFileSync(path.join(ws.outside, 'target.txt'), 'secret = 1\n');
    fs.symlinkSync(path.join(ws.outside, 'target.txt'), path.join(ws.root, 'link.txt'));
    const r = await runTool('edit_file', { path: 'link.txt', old_string: '1', new_string: '2' }, ws.ctx());
    expect(r.isError).toBe(true);
    expect(fs.readFileSync(path.join(ws.outside, 'target.txt'), 'utf8')).toBe('secret = 1\n');
  });
});
