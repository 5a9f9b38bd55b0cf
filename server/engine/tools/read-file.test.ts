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

describe('read_file', () => {
  it('returns numbered lines', async () => {
    ws.write('a.txt', 'one\ntwo\nthree\n');
    const r = await runTool('read_file', { path: 'a.txt' }, ws.ctx());
    expect(r.isError).toBe(false);
    expect(r.output).toBe('     1\tone\n     2\ttwo\n     3\tthree');
  });

  it('pages with offset and limit and says where to continue', async () => {
    ws.write('a.txt', Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n'));
    const r = await runTool('read_file', { path: 'a.txt', offset: 3, limit: 2 }, ws.ctx());
    expect(r.output).toBe('     3\tline 3\n     4\tline 4\n[more lines follow; continue with offset=5]');
    const end = await runTool('read_file', { path: 'a.txt', offset: 9 }, ws.ctx());
    expect(end.output).toBe('     9\tline 9\n    10\tline 10');
    const past = await runTool('read_file', { path: 'a.txt', offset: 50 }, ws.ctx());
    expect(past.isError).toBe(false);
    expect(past.output).toMatch(/10 lines; offset 50 is past the end/);
  });

  it('handles CRLF and empty files', async () => {
    ws.write('crlf.txt', 'a\r\nb\r\n');
    expect((await runTool('read_file', { path: 'crlf.txt' }, ws.ctx())).output).toBe('     1\ta\n     2\tb');
    ws.write('empty.txt', '');
    expect((await runTool('read_file', { path: 'empty.txt' }, ws.ctx())).output).toBe('(empty file)');
  });

  it('refuses binary files', async () => {
    ws.write('img.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    const r = await runTool('read_file', { path: 'img.bin' }, ws.ctx());
    expect(r.isError).toBe(true);
    expect(r.output).toMatch(/binary/);
    ws.write('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect((await runTool('read_file', { path: 'latin1.txt' }, ws.ctx())).isError).toBe(true);
  });

  it('caps output and says how to continue', async () => {
    ws.write('big.txt', Array.from({ length: 5000 }, (_, i) => `line ${i + 1} ${'x'.repeat(50)}`).join('\n'));
    const r = await runTool('read_file', { path: 'big.txt' }, ws.ctx({ outputCapBytes: 4096 }));
    expect(r.isError).toBe(false);
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(4096);
    expect(r.output).toMatch(/\[output truncated at the size limit; continue with offset=\d+\]$/);
  });

  it('cuts very long lines', async () => {
    ws.write('min.js', 'y'.repeat(10_000));
    const r = await runTool('read_file', { path: 'min.js' }, ws.ctx());
    expect(r.output).toMatch(/\[line truncated\]$/);
    expect(r.output.length).toBeLessThan(2100);
  });

  it('reports directories, missing files and escapes as errors', async () => {
    fs.mkdirSync(path.join(ws.root, 'dir'));
    expect(await runTool('read_file', { path: 'dir' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/is a directory/) });
    expect(await runTool('read_file', { path: 'missing.txt' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/no such file/) });
    fs.writeFileSync(path.join(ws.outside, 'secret'), 'top secret');
    fs.symlinkSync(path.join(ws.outside, 'secret'), path.join(ws.root, 'link'));
    const r = await runTool('read_file', { path: 'link' }, ws.ctx());
    expect(r.isError).toBe(true);
    expect(r.output).not.toContain('top secret');
    expect((await runTool('read_file', { path: '../outside/secret' }, ws.ctx())).output).toMatch(/escapes the workspace/);
  });
});
