import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyHunks, applyUnifiedDiff } from './patch/apply';
import { parseUnifiedDiff, PatchError } from './patch/parse';
import { runTool } from './registry';
import { makeWorkspace, type TempWorkspace } from './test-support';

let ws: TempWorkspace;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join('');

async function patchError(diff: string, options = {}): Promise<string> {
  try {
    await applyUnifiedDiff(ws.root, diff, options);
  } catch (err) {
    expect(err).toBeInstanceOf(PatchError);
    return (err as Error).message;
  }
  throw new Error('expected the patch to fail');
}

describe('parseUnifiedDiff', () => {
  it('parses a git diff with several files, new and deleted files', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 123..456 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1,3 +1,3 @@',
      ' one',
      '-two',
      '+TWO',
      ' three',
      'diff --git a/new.txt b/new.txt',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/new.txt',
      '@@ -0,0 +1 @@',
      '+hello',
      'diff --git a/old.txt b/old.txt',
      'deleted file mode 100644',
      '--- a/old.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      '',
    ].join('\n');
    const patches = parseUnifiedDiff(diff);
    expect(patches.map((p) => [p.oldPath, p.newPath, p.hunks.length])).toEqual([
      ['src/a.ts', 'src/a.ts', 1],
      [null, 'new.txt', 1],
      ['old.txt', null, 1],
    ]);
    expect(patches[0]!.hunks[0]).toMatchObject({ oldStart: 1, oldCount: 3, newStart: 1, newCount: 3 });
    expect(patches[1]!.hunks[0]).toMatchObject({ oldStart: 0, oldCount: 0, newCount: 1, lines: [{ kind: '+', text: 'hello' }] });
  });

  it('keeps paths without a/ b/ prefixes as they are and drops timestamps', () => {
    const [p] = parseUnifiedDiff('--- x.txt\t2024-01-01 00:00:00\n+++ x.txt\t2024-01-02 00:00:00\n@@ -1 +1 @@\n-a\n+b\n');
    expect([p!.oldPath, p!.newPath]).toEqual(['x.txt', 'x.txt']);
  });

  it('treats a "--- " removed line inside a hunk as content, not a header', () => {
    const [p] = parseUnifiedDiff('--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,1 @@\n--- comment\n select 1;\n');
    expect(p!.hunks[0]!.lines).toEqual([
      { kind: '-', text: '-- comment' },
      { kind: ' ', text: 'select 1;' },
    ]);
  });

  it('reads git renames and unquotes paths', () => {
    const patches = parseUnifiedDiff(
      'diff --git a/old name.txt b/new name.txt\nsimilarity index 100%\nrename from old name.txt\nrename to new name.txt\n' +
        'diff --git "a/t\\303\\244st.txt" "b/t\\303\\244st.txt"\n--- "a/t\\303\\244st.txt"\n+++ "b/t\\303\\244st.txt"\n@@ -1 +1 @@\n-a\n+b\n',
    );
    expect(patches.map((p) => [p.oldPath, p.newPath])).toEqual([
      ['old name.txt', 'new name.txt'],
      ['täst.txt', 'täst.txt'],
    ]);
  });

  it('rejects hunks without a file header, malformed headers and binary patches', () => {
    expect(() => parseUnifiedDiff('@@ -1 +1 @@\n-a\n+b\n')).toThrow(/without a preceding/);
    expect(() => parseUnifiedDiff('--- a/x\n+++ b/x\n@@ -x +1 @@\n-a\n')).toThrow(/malformed hunk header/);
    expect(() => parseUnifiedDiff('diff --git a/x b/x\nBinary files a/x and b/x differ\n')).toThrow(/binary/);
  });
});

describe('applyHunks', () => {
  const hunksOf = (body: string) => parseUnifiedDiff(`--- a/f\n+++ b/f\n${body}`)[0]!.hunks;

  it('locates a hunk whose line numbers are off, and recounts wrong header counts', () => {
    const content = lines(20);
    const out = applyHunks(content, hunksOf('@@ -2,3 +2,3 @@\n line 14\n-line 15\n+LINE 15\n line 16\n'));
    expect(out).toEqual({ content: content.replace('line 15\n', 'LINE 15\n') });
  });

  it('accepts a bare @@ header and context whose blank lines lost their space', () => {
    const content = 'a\n\nb\nc\n';
    const out = applyHunks(content, hunksOf('@@\n a\n\n-b\n+B\n'));
    expect(out).toEqual({ content: 'a\n\nB\nc\n' });
  });

  it('handles "No newline at end of file" on either side', () => {
    expect(applyHunks('a\nb', hunksOf('@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n'))).toEqual({ content: 'a\nb\n' });
    expect(applyHunks('a\nb\n', hunksOf('@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n'))).toEqual({ content: 'a\nc' });
  });

  it('keeps CRLF line endings and tolerates trailing whitespace differences', () => {
    expect(applyHunks('a\r\nb  \r\nc\r\n', hunksOf('@@ -1,3 +1,3 @@\n a\n b\n-c\n+C\n'))).toEqual({ content: 'a\r\nb  \r\nC\r\n' });
  });

  it('reports every hunk that does not match', () => {
    const out = applyHunks(lines(10), hunksOf('@@ -1,1 +1,1 @@\n-nope\n+x\n@@ -5,1 +5,1 @@\n-line 5\n+x\n@@ -8,1 +8,1 @@\n-also nope\n+x\n'));
    expect(out).toEqual({
      failures: [expect.stringMatching(/^hunk 1 .* "nope"/), expect.stringMatching(/^hunk 3 .* "also nope"/)],
    });
  });
});

describe('applyUnifiedDiff', () => {
  it('modifies, creates and deletes files in one patch', async () => {
    ws.write('src/a.ts', 'one\ntwo\nthree\n');
    ws.write('old.txt', 'bye\n');
    const diff = [
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1,3 +1,4 @@',
      ' one',
      '-two',
      '+TWO',
      '+two and a half',
      ' three',
      '--- /dev/null',
      '+++ b/docs/new.md',
      '@@ -0,0 +1,2 @@',
      '+# New',
      '+text',
      '--- a/old.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
    ].join('\n');
    const result = await applyUnifiedDiff(ws.root, diff);
    expect(result.files).toEqual([
      { path: 'src/a.ts', action: 'modified' },
      { path: 'docs/new.md', action: 'added' },
      { path: 'old.txt', action: 'deleted' },
    ]);
    expect(result.changedFiles).toEqual(['src/a.ts', 'docs/new.md', 'old.txt']);
    expect(ws.read('src/a.ts')).toBe('one\nTWO\ntwo and a half\nthree\n');
    expect(ws.read('docs/new.md')).toBe('# New\ntext\n');
    expect(ws.exists('old.txt')).toBe(false);
    // No temporary files are left behind.
    expect(fs.readdirSync(path.join(ws.root, 'src'))).toEqual(['a.ts']);
  });

  it('is all or nothing: one bad hunk in the second file leaves both files untouched', async () => {
    ws.write('a.txt', lines(5));
    ws.write('b.txt', lines(5));
    const diff = [
      '--- a/a.txt',
      '+++ b/a.txt',
      '@@ -1,2 +1,2 @@',
      '-line 1',
      '+LINE 1',
      ' line 2',
      '--- /dev/null',
      '+++ b/c.txt',
      '@@ -0,0 +1 @@',
      '+new',
      '--- a/b.txt',
      '+++ b/b.txt',
      '@@ -1,2 +1,2 @@',
      ' line 1',
      '-line 2',
      '+LINE 2',
      '@@ -4,2 +4,2 @@',
      ' line 4',
      '-this line is not there',
      '+x',
    ].join('\n');
    const message = await patchError(diff);
    expect(message).toMatch(/nothing was changed/);
    expect(message).toMatch(/b\.txt: hunk 2 .* does not match/);
    expect(ws.read('a.txt')).toBe(lines(5));
    expect(ws.read('b.txt')).toBe(lines(5));
    expect(ws.exists('c.txt')).toBe(false);
  });

  it('applies several patches to the same file in sequence', async () => {
    ws.write('a.txt', 'a\nb\nc\n');
    await applyUnifiedDiff(ws.root, '--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+A\n--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n A\n-b\n+B\n');
    expect(ws.read('a.txt')).toBe('A\nB\nc\n');
  });

  it('renames files, with or without changes, and keeps the mode', async () => {
    ws.write('run.sh', '#!/bin/sh\necho hi\n');
    fs.chmodSync(path.join(ws.root, 'run.sh'), 0o755);
    ws.write('plain.txt', 'same\n');
    const diff =
      'diff --git a/run.sh b/bin/run.sh\nsimilarity index 80%\nrename from run.sh\nrename to bin/run.sh\n' +
      '--- a/run.sh\n+++ b/bin/run.sh\n@@ -1,2 +1,2 @@\n #!/bin/sh\n-echo hi\n+echo hello\n' +
      'diff --git a/plain.txt b/moved.txt\nsimilarity index 100%\nrename from plain.txt\nrename to moved.txt\n';
    const result = await applyUnifiedDiff(ws.root, diff);
    expect(result.changedFiles.sort()).toEqual(['bin/run.sh', 'moved.txt', 'plain.txt', 'run.sh']);
    expect(ws.read('bin/run.sh')).toBe('#!/bin/sh\necho hello\n');
    expect(fs.statSync(path.join(ws.root, 'bin/run.sh')).mode & 0o777).toBe(0o755);
    expect(ws.read('moved.txt')).toBe('same\n');
    expect(ws.exists('run.sh')).toBe(false);
    expect(ws.exists('plain.txt')).toBe(false);
  });

  it('applies a plain `diff -u f.orig f` patch to whichever of the two exists', async () => {
    ws.write('f.txt', 'a\n');
    const result = await applyUnifiedDiff(ws.root, '--- f.txt.orig\t2024-01-01\n+++ f.txt\t2024-01-02\n@@ -1 +1 @@\n-a\n+b\n');
    expect(result.files).toEqual([{ path: 'f.txt', action: 'modified' }]);
    expect(ws.read('f.txt')).toBe('b\n');
    expect(ws.exists('f.txt.orig')).toBe(false);
  });

  it('refuses to create a file that exists, or to modify or delete one that does not', async () => {
    ws.write('exists.txt', 'x\n');
    expect(await patchError('--- /dev/null\n+++ b/exists.txt\n@@ -0,0 +1 @@\n+y\n')).toMatch(/exists\.txt: already exists/);
    expect(await patchError('--- a/missing.txt\n+++ b/missing.txt\n@@ -1 +1 @@\n-a\n+b\n')).toMatch(/missing\.txt: does not exist/);
    expect(await patchError('--- a/missing.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n')).toMatch(/does not exist/);
  });

  it('refuses a deletion whose hunks do not cover the file', async () => {
    ws.write('a.txt', 'a\nb\n');
    expect(await patchError('--- a/a.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n')).toMatch(/do not cover the whole file/);
    expect(ws.read('a.txt')).toBe('a\nb\n');
  });

  it('confines every path and writes nothing when one escapes', async () => {
    ws.write('a.txt', 'a\n');
    fs.symlinkSync(ws.outside, path.join(ws.root, 'out'));
    const good = '--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+A\n';
    for (const bad of ['../outside/x.txt', 'out/x.txt', path.join(ws.outside, 'x.txt')]) {
      const message = await patchError(`${good}--- /dev/null\n+++ ${bad}\n@@ -0,0 +1 @@\n+pwned\n`);
      expect(message).toMatch(/escapes|outside|symbolic link/);
    }
    expect(ws.read('a.txt')).toBe('a\n');
    expect(fs.readdirSync(ws.outside)).toEqual([]);
  });

  it('honours allowedPaths (directory prefixes and exact files)', async () => {
    ws.write('src/a.ts', 'a\n');
    ws.write('README.md', 'r\n');
    ws.write('srcx/b.ts', 'b\n');
    const edit = (p: string, from: string) => `--- a/${p}\n+++ b/${p}\n@@ -1 +1 @@\n-${from}\n+changed\n`;
    await applyUnifiedDiff(ws.root, edit('src/a.ts', 'a') + edit('README.md', 'r'), { allowedPaths: ['src/', 'README.md'] });
    expect(ws.read('src/a.ts')).toBe('changed\n');
    // `src` does not allow its look-alike sibling `srcx`.
    expect(await patchError(edit('srcx/b.ts', 'b'), { allowedPaths: ['src'] })).toMatch(/srcx\/b\.ts: not in the paths/);
    expect(ws.read('srcx/b.ts')).toBe('b\n');
  });

  it('reports a patch with no file changes', async () => {
    expect(await patchError('just some text\n')).toMatch(/no file changes/);
  });
});

describe('apply_patch tool', () => {
  it('applies and lists what changed', async () => {
    ws.write('a.txt', 'a\n');
    const r = await runTool('apply_patch', { patch: '--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+b\n' }, ws.ctx());
    expect(r).toEqual({ output: 'patch applied:\nM a.txt', isError: false, changedFiles: ['a.txt'] });
  });

  it('returns failures as an error result', async () => {
    ws.write('a.txt', 'a\n');
    const r = await runTool('apply_patch', { patch: '--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-zzz\n+b\n' }, ws.ctx());
    expect(r.isError).toBe(true);
    expect(r.output).toMatch(/^patch not applied \(nothing was changed\):\n- a\.txt: hunk 1/);
  });
});
