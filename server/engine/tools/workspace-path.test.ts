import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, type TempWorkspace } from './test-support';
import { isInside, resolveInWorkspace, toWorkspaceRelative, ToolInputError } from './workspace-path';

let ws: TempWorkspace;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

async function refusal(p: string, forWrite = false): Promise<string> {
  try {
    await resolveInWorkspace(ws.root, p, { forWrite });
  } catch (err) {
    expect(err).toBeInstanceOf(ToolInputError);
    return (err as Error).message;
  }
  throw new Error(`expected ${p} to be refused`);
}

describe('resolveInWorkspace: lexical checks', () => {
  it('resolves relative paths, ./ and harmless .. inside the workspace', async () => {
    ws.write('src/a.ts', 'x');
    const expected = path.join(ws.root, 'src/a.ts');
    expect(await resolveInWorkspace(ws.root, 'src/a.ts')).toBe(expected);
    expect(await resolveInWorkspace(ws.root, './src/./a.ts')).toBe(expected);
    expect(await resolveInWorkspace(ws.root, 'src/../src/a.ts')).toBe(expected);
    expect(await resolveInWorkspace(ws.root, '.')).toBe(ws.root);
  });

  it('accepts an absolute path inside the workspace', async () => {
    ws.write('a.txt', 'x');
    expect(await resolveInWorkspace(ws.root, path.join(ws.root, 'a.txt'))).toBe(path.join(ws.root, 'a.txt'));
  });

  it('refuses .. escapes, even ones that come back in', async () => {
    fs.writeFileSync(path.join(ws.outside, 'secret'), 's');
    expect(await refusal('../outside/secret')).toMatch(/escapes the workspace/);
    expect(await refusal('..')).toMatch(/escapes/);
    expect(await refusal('src/../../ws/../outside/secret')).toMatch(/escapes/);
    expect(await refusal('../outside/new.txt', true)).toMatch(/escapes/);
  });

  it('refuses absolute paths outside the workspace', async () => {
    expect(await refusal('/etc/passwd')).toMatch(/outside the workspace/);
    expect(await refusal(path.join(ws.outside, 'x'), true)).toMatch(/outside the workspace/);
    // A sibling whose name merely starts with the workspace's name is not inside it.
    fs.mkdirSync(`${ws.root}-evil`);
    expect(await refusal(`${ws.root}-evil`)).toMatch(/outside/);
  });

  it('refuses NUL bytes and empty paths', async () => {
    expect(await refusal('a\0b')).toMatch(/NUL/);
    expect(await refusal('')).toMatch(/empty/);
  });

  it('allows names that merely start with two dots', async () => {
    ws.write('..hidden', 'x');
    expect(await resolveInWorkspace(ws.root, '..hidden')).toBe(path.join(ws.root, '..hidden'));
  });

  it('reports a missing file for reads, allows it for writes', async () => {
    expect(await refusal('nope.txt')).toMatch(/no such file/);
    expect(await resolveInWorkspace(ws.root, 'new/dir/file.txt', { forWrite: true })).toBe(path.join(ws.root, 'new/dir/file.txt'));
  });
});

describe('resolveInWorkspace: symlinks', () => {
  it('refuses a symlinked file that points outside', async () => {
    fs.writeFileSync(path.join(ws.outside, 'secret'), 's');
    fs.symlinkSync(path.join(ws.outside, 'secret'), path.join(ws.root, 'link'));
    expect(await refusal('link')).toMatch(/symbolic link/);
    expect(await refusal('link', true)).toMatch(/symbolic link/);
  });

  it('refuses a relative symlink that climbs out', async () => {
    fs.writeFileSync(path.join(ws.outside, 'secret'), 's');
    fs.symlinkSync('../outside/secret', path.join(ws.root, 'rel-link'));
    expect(await refusal('rel-link')).toMatch(/symbolic link/);
  });

  it('refuses files under a symlinked directory that points outside', async () => {
    fs.writeFileSync(path.join(ws.outside, 'secret'), 's');
    fs.symlinkSync(ws.outside, path.join(ws.root, 'out'));
    expect(await refusal('out')).toMatch(/symbolic link/);
    expect(await refusal('out/secret')).toMatch(/symbolic link/);
  });

  it('refuses writing through a symlinked parent, existing or not', async () => {
    fs.mkdirSync(path.join(ws.root, 'deep'));
    fs.symlinkSync(ws.outside, path.join(ws.root, 'deep/out'));
    expect(await refusal('deep/out/new.txt', true)).toMatch(/symbolic link/);
    expect(await refusal('deep/out/new/dir/x.txt', true)).toMatch(/symbolic link/);
    expect(fs.readdirSync(ws.outside)).toEqual([]);
  });

  it('refuses a dangling symlink whose target would be created outside', async () => {
    fs.symlinkSync(path.join(ws.outside, 'created-by-write'), path.join(ws.root, 'dangling'));
    expect(await refusal('dangling', true)).toMatch(/symbolic link/);
    expect(await refusal('dangling')).toMatch(/no such file/);
    fs.symlinkSync(path.join(ws.outside, 'newdir'), path.join(ws.root, 'dangling-dir'));
    expect(await refusal('dangling-dir/x.txt', true)).toMatch(/symbolic link/);
  });

  it('follows a dangling symlink that stays inside to its target', async () => {
    fs.symlinkSync('real/target.txt', path.join(ws.root, 'pending'));
    expect(await resolveInWorkspace(ws.root, 'pending', { forWrite: true })).toBe(path.join(ws.root, 'real/target.txt'));
  });

  it('allows symlinks that stay inside, returning the real path', async () => {
    ws.write('real/file.txt', 'x');
    fs.symlinkSync(path.join(ws.root, 'real'), path.join(ws.root, 'alias'));
    fs.symlinkSync('real/file.txt', path.join(ws.root, 'file-link'));
    expect(await resolveInWorkspace(ws.root, 'alias/file.txt')).toBe(path.join(ws.root, 'real/file.txt'));
    expect(await resolveInWorkspace(ws.root, 'file-link')).toBe(path.join(ws.root, 'real/file.txt'));
    expect(await resolveInWorkspace(ws.root, 'alias/new.txt', { forWrite: true })).toBe(path.join(ws.root, 'real/new.txt'));
  });

  it('refuses symlink loops', async () => {
    fs.symlinkSync('loop-b', path.join(ws.root, 'loop-a'));
    fs.symlinkSync('loop-a', path.join(ws.root, 'loop-b'));
    expect(await refusal('loop-a')).toMatch(/symbolic links/);
    expect(await refusal('loop-a/x', true)).toMatch(/symbolic links/);
  });

  it('works when the workspace itself is reached through a symlink', async () => {
    ws.write('a.txt', 'x');
    const alias = path.join(path.dirname(ws.root), 'ws-alias');
    fs.symlinkSync(ws.root, alias);
    expect(await resolveInWorkspace(alias, 'a.txt')).toBe(path.join(ws.root, 'a.txt'));
    expect(await resolveInWorkspace(alias, path.join(alias, 'a.txt'))).toBe(path.join(ws.root, 'a.txt'));
    await expect(resolveInWorkspace(alias, '../outside')).rejects.toThrow(/escapes/);
  });
});

describe('helpers', () => {
  it('isInside and toWorkspaceRelative', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(toWorkspaceRelative('/a/b', '/a/b/c/d')).toBe('c/d');
    expect(toWorkspaceRelative('/a/b', '/a/b')).toBe('.');
  });
});
