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

describe('write_file', () => {
  it('creates a file and its parent directories, reporting changedFiles', async () => {
    const r = await runTool('write_file', { path: 'a/b/c.txt', content: 'héllo\n' }, ws.ctx());
    expect(r).toEqual({ output: 'created a/b/c.txt (7 bytes)', isError: false, changedFiles: ['a/b/c.txt'] });
    expect(ws.read('a/b/c.txt')).toBe('héllo\n');
  });

  it('overwrites an existing file', async () => {
    ws.write('x.txt', 'old');
    const r = await runTool('write_file', { path: './x.txt', content: '' }, ws.ctx());
    expect(r.output).toBe('overwrote x.txt (0 bytes)');
    expect(ws.read('x.txt')).toBe('');
  });

  it('writes through a symlink that stays inside to the real file', async () => {
    fs.mkdirSync(path.join(ws.root, 'real'));
    fs.symlinkSync('real', path.join(ws.root, 'alias'));
    const r = await runTool('write_file', { path: 'alias/n.txt', content: 'x' }, ws.ctx());
    expect(r.changedFiles).toEqual(['real/n.txt']);
    expect(ws.read('real/n.txt')).toBe('x');
  });

  it('refuses to write outside, through symlinked parents or dangling links, and onto directories', async () => {
    fs.symlinkSync(ws.outside, path.join(ws.root, 'out'));
    fs.symlinkSync(path.join(ws.outside, 'planted'), path.join(ws.root, 'dangling'));
    for (const p of ['../outside/x.txt', path.join(ws.outside, 'x.txt'), 'out/x.txt', 'out/new/dir/x.txt', 'dangling']) {
      const r = await runTool('write_file', { path: p, content: 'pwned' }, ws.ctx());
      expect(r.isError, p).toBe(true);
    }
    expect(fs.readdirSync(ws.outside)).toEqual([]);
    fs.mkdirSync(path.join(ws.root, 'dir'));
    expect(await runTool('write_file', { path: 'dir', content: 'x' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/is a directory/) });
    expect(await runTool('write_file', { path: 'x.txt' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/^invalid input: content:/) });
  });

  it('reports a file in the way of a parent directory', async () => {
    ws.write('file', 'x');
    const r = await runTool('write_file', { path: 'file/child.txt', content: 'x' }, ws.ctx());
    expect(r.isError).toBe(true);
  });
});
