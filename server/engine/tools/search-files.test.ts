import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTool } from './registry';
import { compileGlob, MAX_GLOB_LENGTH } from './glob';
import { createSearchFilesTool, MAX_SEARCH_MATCHES } from './search-files';
import { makeWorkspace, type TempWorkspace } from './test-support';

let ws: TempWorkspace;
beforeEach(() => {
  ws = makeWorkspace();
  ws.write('src/a.ts', 'export const a = 1;\n// TODO: fix a\n');
  ws.write('src/b.tsx', 'const b = a + 1; // todo later\n');
  ws.write('docs/notes.md', 'TODO (a.b) write docs\n');
  ws.write('node_modules/dep/index.js', '// TODO in a dependency\n');
  ws.write('.git/config', 'TODO in git\n');
});
afterEach(() => ws.cleanup());

describe('search_files', () => {
  it('finds regex matches as file:line: text, skipping .git and node_modules', async () => {
    const r = await runTool('search_files', { pattern: 'TODO' }, ws.ctx());
    expect(r.isError).toBe(false);
    expect(r.output.split('\n')).toEqual(['docs/notes.md:1: TODO (a.b) write docs', 'src/a.ts:2: // TODO: fix a']);
  });

  it('supports ignore_case, literal patterns and include globs', async () => {
    const ci = await runTool('search_files', { pattern: 'todo', ignore_case: true, include: '*.{ts,tsx}' }, ws.ctx());
    expect(ci.output.split('\n')).toEqual(['src/a.ts:2: // TODO: fix a', 'src/b.tsx:1: const b = a + 1; // todo later']);
    const literal = await runTool('search_files', { pattern: '(a.b)', literal: true }, ws.ctx());
    expect(literal.output).toBe('docs/notes.md:1: TODO (a.b) write docs');
    const slashGlob = await runTool('search_files', { pattern: 'const', include: 'src/**/*.ts' }, ws.ctx());
    expect(slashGlob.output).toBe('src/a.ts:1: export const a = 1;');
  });

  it('searches a subdirectory or a single file', async () => {
    expect((await runTool('search_files', { pattern: 'TODO', path: 'src' }, ws.ctx())).output).toBe('src/a.ts:2: // TODO: fix a');
    expect((await runTool('search_files', { pattern: 'const', path: 'src/b.tsx' }, ws.ctx())).output).toBe(
      'src/b.tsx:1: const b = a + 1; // todo later',
    );
    // Naming node_modules explicitly searches it.
    expect((await runTool('search_files', { pattern: 'TODO', path: 'node_modules' }, ws.ctx())).output).toContain('node_modules/dep/index.js:1:');
  });

  it('says so when nothing matches, and skips binaries and symlinks', async () => {
    ws.write('bin.dat', Buffer.from([0x54, 0x4f, 0x44, 0x4f, 0x00, 0x00]));
    fs.writeFileSync(path.join(ws.outside, 'secret.txt'), 'TODO secret outside');
    fs.symlinkSync(ws.outside, path.join(ws.root, 'out'));
    fs.symlinkSync(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'secret-link.txt'));
    const r = await runTool('search_files', { pattern: 'TODO' }, ws.ctx());
    expect(r.output).not.toContain('secret');
    expect(r.output).not.toContain('bin.dat');
    expect((await runTool('search_files', { pattern: 'zzz-nothing' }, ws.ctx())).output).toMatch(/^no matches in \d+ files$/);
  });

  it('caps the number of matches', async () => {
    ws.write('many.txt', 'hit\n'.repeat(MAX_SEARCH_MATCHES + 50));
    const r = await runTool('search_files', { pattern: 'hit', path: 'many.txt' }, ws.ctx());
    const lines = r.output.split('\n');
    expect(lines).toHaveLength(MAX_SEARCH_MATCHES + 1);
    expect(lines.at(-1)).toMatch(/stopped at 200 matches/);
  });

  it('reports invalid regexes, bad input and escapes', async () => {
    expect(await runTool('search_files', { pattern: '(' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/invalid regular expression/) });
    expect(await runTool('search_files', { pattern: '' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/^invalid input: pattern:/) });
    expect(await runTool('search_files', { pattern: 'x', path: '../outside' }, ws.ctx())).toMatchObject({ isError: true, output: expect.stringMatching(/escapes/) });
  });

  it('stops a catastrophically backtracking pattern instead of hanging the server', async () => {
    ws.write('evil.txt', `${'a'.repeat(40)}!\n`);
    const tool = createSearchFilesTool({ timeoutMs: 300 });
    const started = Date.now();
    // The regex runs in a worker: the server's own thread keeps ticking meanwhile.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const r = await tool.run({ pattern: '^(a+)+$', path: 'evil.txt' }, ws.ctx());
    clearInterval(ticker);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(ticks).toBeGreaterThan(5);
    expect(r).toMatchObject({ isError: true, output: expect.stringMatching(/timed out/) });
  });

  it('stops when aborted', async () => {
    ws.write('evil.txt', `${'a'.repeat(40)}!\n`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const r = await searchTool().run({ pattern: '^(a+)+$', path: 'evil.txt' }, ws.ctx({ signal: controller.signal }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r).toMatchObject({ isError: true, output: 'aborted' });
  });
});

function searchTool() {
  return createSearchFilesTool({ timeoutMs: 60_000 });
}

describe('include globs', () => {
  it.each([
    ['*.ts', 'a.ts', true],
    ['*.ts', 'a.tsx', false],
    ['*.{ts,tsx}', 'a.tsx', true],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/x/y/a.ts', true],
    ['src/*.ts', 'src/x/a.ts', false],
    ['**', 'a/b/c', true],
    ['file?.md', 'file1.md', true],
    ['[ab].txt', 'b.txt', true],
    ['[!ab].txt', 'b.txt', false],
    ['[!ab].txt', 'c.txt', true],
    ['[]]x', ']x', true],
    ['a+b.txt', 'a+b.txt', true],
    ['a(b)|c.txt', 'a(b)|c.txt', true],
    ['\\*x', '*x', true],
    ['\\*x', 'ax', false],
    ['*a*b', 'aaab', true],
    ['*a*b', 'aaba', false],
  ])('%s matches %s: %s', (glob, subject, expected) => {
    expect(compileGlob(glob)(subject)).toBe(expected);
  });

  it('refuses globs that are too long or expand too far', () => {
    expect(() => compileGlob('a'.repeat(MAX_GLOB_LENGTH + 1))).toThrow(/longer than 256 characters/);
    expect(() => compileGlob('{a,b}'.repeat(7))).toThrow(/more than 64 alternatives/);
    expect(() => compileGlob('{a,b')).toThrow(/unclosed "\{"/);
  });

  it('matches the many-`*a` glob attack in linear time', () => {
    const attack = compileGlob(`${'*a'.repeat(120)}b`);
    const started = performance.now();
    for (let i = 0; i < 100; i++) expect(attack('a'.repeat(255))).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('search_files under attack', () => {
  it('a glob of many `*a` returns within 100 ms and never stalls the event loop', async () => {
    for (let i = 0; i < 50; i++) ws.write(`deep/${'a'.repeat(200)}${i}`, 'aaaa\n');
    let worstGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    try {
      const started = performance.now();
      const r = await runTool('search_files', { pattern: '(a+)+$', include: `${'*a'.repeat(100)}b` }, ws.ctx());
      expect(r.output).toBe('no files to search (check path and include)');
      expect(performance.now() - started).toBeLessThan(100);
    } finally {
      clearInterval(ticker);
    }
    expect(worstGap).toBeLessThan(100);
  });
});
