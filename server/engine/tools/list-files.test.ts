import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LIST_ENTRIES } from './list-files';
import { runTool } from './registry';
import { makeWorkspace, type TempWorkspace } from './test-support';

let ws: TempWorkspace;
beforeEach(() => {
  ws = makeWorkspace();
  ws.write('README.md', '#');
  ws.write('src/index.ts', '');
  ws.write('src/lib/util.ts', '');
  ws.write('node_modules/dep/index.js', '');
  ws.write('.git/HEAD', 'ref');
});
afterEach(() => ws.cleanup());

describe('list_files', () => {
  it('lists one level by default, with the default path "."', async () => {
    const r = await runTool('list_files', {}, ws.ctx());
    expect(r.isError).toBe(false);
    expect(r.output.split('\n')).toEqual(['.git/', 'README.md', 'node_modules/', 'src/']);
  });

  it('lists recursively, not expanding .git and node_modules', async () => {
    const r = await runTool('list_files', { path: '.', recursive: true }, ws.ctx());
    expect(r.output.split('\n')).toEqual([
      '.git/ (not expanded)',
      'README.md',
      'node_modules/ (not expanded)',
      'src/',
      'src/index.ts',
      'src/lib/',
      'src/lib/util.ts',
    ]);
  });

  it('respects max_depth and lists a subdirectory with workspace-relative paths', async () => {
    const r = await runTool('list_files', { path: 'src', recursive: true, max_depth: 1 }, ws.ctx());
    expect(r.output.split('\n')).toEqual(['src/index.ts', 'src/lib/']);
  });

  it('marks symlinks and does not follow them', async () => {
    fs.writeFileSync(path.join(ws.outside, 'secret'), 's');
    fs.symlinkSync(ws.outside, path.join(ws.root, 'src/out'));
    const r = await runTool('list_files', { path: 'src', recursive: true }, ws.ctx());
    expect(r.output).toContain('src/out@');
    expect(r.output).not.toContain('secret');
  });

  it('caps the number of entries', async () => {
    for (let i = 0; i < MAX_LIST_ENTRIES + 20; i++) fs.writeFileSync(path.join(ws.root, `f${String(i).padStart(5, '0')}`), '');
    const r = await runTool('list_files', { recursive: true }, ws.ctx({ outputCapBytes: 1024 * 1024 }));
    expect(r.output.split('\n')).toHaveLength(MAX_LIST_ENTRIES + 1);
    expect(r.output).toMatch(/\[listing truncated after 1000 entries/);
  });

  it('reports an empty directory, a file, a missing path and an escape', async () => {
    fs.mkdirSync(path.join(ws.root, 'empty'));
    expect((await runTool('list_files', { path: 'empty' }, ws.ctx())).output).toBe('(empty directory)');
    expect(await runTool('list_files', { path: 'README.md' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/not a directory/) });
    expect(await runTool('list_files', { path: 'nope' }, ws.ctx())).toMatchObject({ isError: true });
    fs.symlinkSync(ws.outside, path.join(ws.root, 'out'));
    expect(await runTool('list_files', { path: 'out' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/symbolic link/) });
    expect(await runTool('list_files', { path: '/' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/outside/) });
  });
});
