/**
 * Parsing unified diffs (git-style or plain) into per-file patches.
 *
 * Leniencies, because models write most of these diffs: hunk header counts are recounted from the
 * body when they disagree, a hunk header may be a bare `@@`, CR line endings are dropped, and
 * commentary between file sections is skipped.
 */
import { ToolInputError } from '../workspace-path';

export class PatchError extends ToolInputError {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

export interface HunkLine {
  kind: ' ' | '-' | '+';
  text: string;
}

export interface Hunk {
  /** The `@@` line as written, for error messages. */
  header: string;
  /** Undefined for a bare `@@` header: the hunk is found by its context alone. */
  oldStart?: number;
  oldCount?: number;
  newStart?: number;
  newCount?: number;
  lines: HunkLine[];
  /** `\ No newline at end of file` after an old-side (or context) line. */
  oldNoNewlineAtEof: boolean;
  /** `\ No newline at end of file` after a new-side (or context) line. */
  newNoNewlineAtEof: boolean;
}

export interface FilePatch {
  /** Workspace-relative path before the change; null for a new file. */
  oldPath: string | null;
  /** Path after the change; null for a deletion. Differs from oldPath for a rename (or copy). */
  newPath: string | null;
  hunks: Hunk[];
  /** Git's `copy from`/`copy to`: the old file stays. */
  copy?: boolean;
  /**
   * A git rename. Without a git header, differing names (`--- f.orig` / `+++ f`, as `diff -u` prints
   * them) name one file, and the patch applies to whichever of the two exists, like `patch` does.
   */
  rename?: boolean;
  /** Git's mode for a new file or a mode change, e.g. `100755`. */
  newMode?: string;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Git quotes paths with unusual characters C-style: `"a/t\303\244st.txt"`. */
function unquote(raw: string): string {
  if (!(raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2)) return raw;
  const body = raw.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[++i];
    if (next === undefined) break;
    if (/[0-7]/.test(next)) {
      const oct = body.slice(i, i + 3);
      bytes.push(parseInt(oct, 8));
      i += 2;
      continue;
    }
    const escapes: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '\\': 92, '"': 34 };
    bytes.push(escapes[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The path of a `---`/`+++` line: timestamp dropped, unquoted; null for /dev/null. */
function headerPath(raw: string): string | null {
  let p = raw;
  if (!p.startsWith('"')) {
    const tab = p.indexOf('\t');
    if (tab !== -1) p = p.slice(0, tab);
    p = p.trimEnd();
  } else {
    const end = p.lastIndexOf('"');
    p = p.slice(0, end + 1);
  }
  p = unquote(p);
  return p === '/dev/null' ? null : p;
}

function stripGitPrefixes(oldP: string | null, newP: string | null, git: boolean): [string | null, string | null] {
  const looksGit =
    git ||
    ((oldP === null || oldP.startsWith('a/')) && (newP === null || newP.startsWith('b/')) && (oldP ?? newP) !== null);
  if (!looksGit) return [oldP, newP];
  const strip = (p: string | null, prefix: string) => (p !== null && p.startsWith(prefix) ? p.slice(2) : p);
  return [strip(oldP, 'a/'), strip(newP, 'b/')];
}

/** `diff --git a/x b/x` names both sides; split where the halves agree, since names may hold spaces. */
function gitHeaderPaths(rest: string): [string, string] | undefined {
  const quoted = /^("(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")$/.exec(rest);
  if (quoted) return [unquote(quoted[1]!), unquote(quoted[2]!)];
  const candidates: Array<[string, string]> = [];
  for (let at = rest.indexOf(' b/'); at !== -1; at = rest.indexOf(' b/', at + 1)) {
    candidates.push([rest.slice(0, at), rest.slice(at + 1)]);
  }
  const same = candidates.find(([a, b]) => a.slice(2) === b.slice(2));
  return same ?? candidates[candidates.length - 1];
}

interface GitHeader {
  oldPath?: string;
  newPath?: string;
  renameFrom?: string;
  renameTo?: string;
  copyFrom?: string;
  copyTo?: string;
  newFile: boolean;
  deletedFile: boolean;
  newMode?: string;
  consumed: boolean;
}

/** Parse a unified diff into per-file patches. Throws PatchError (with a line number) on malformed input. */
export function parseUnifiedDiff(diff: string): FilePatch[] {
  // CR is dropped everywhere: matching ignores it, and added lines take the target file's line ending.
  const lines = diff.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const patches: FilePatch[] = [];
  let git: GitHeader | undefined;

  const flushGit = () => {
    if (!git || git.consumed) return;
    // A git section without ---/+++: an empty new file, a deletion of an empty file, a pure rename,
    // or a mode change.
    const strip = (p: string | undefined) => (p === undefined ? undefined : p.replace(/^[ab]\//, ''));
    const oldP = git.renameFrom ?? git.copyFrom ?? strip(git.oldPath);
    const newP = git.renameTo ?? git.copyTo ?? strip(git.newPath);
    if (oldP === undefined || newP === undefined) return;
    patches.push({
      oldPath: git.newFile ? null : oldP,
      newPath: git.deletedFile ? null : newP,
      hunks: [],
      copy: git.copyFrom !== undefined || undefined,
      rename: git.renameFrom !== undefined || undefined,
      newMode: git.newMode,
    });
    git.consumed = true;
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('diff --git ')) {
      flushGit();
      const paths = gitHeaderPaths(line.slice('diff --git '.length));
      git = { oldPath: paths?.[0], newPath: paths?.[1], newFile: false, deletedFile: false, consumed: false };
      i++;
      continue;
    }
    if (git && !git.consumed) {
      const ext = /^(new file mode|deleted file mode|new mode|old mode|rename from|rename to|copy from|copy to|index|similarity index|dissimilarity index) ?(.*)$/.exec(
        line,
      );
      if (ext) {
        const [, key, value = ''] = ext;
        if (key === 'new file mode') {
          git.newFile = true;
          git.newMode = value;
        } else if (key === 'deleted file mode') git.deletedFile = true;
        else if (key === 'new mode') git.newMode = value;
        else if (key === 'rename from') git.renameFrom = unquote(value);
        else if (key === 'rename to') git.renameTo = unquote(value);
        else if (key === 'copy from') git.copyFrom = unquote(value);
        else if (key === 'copy to') git.copyTo = unquote(value);
        i++;
        continue;
      }
    }
    if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
      throw new PatchError(`line ${i + 1}: binary patches are not supported`);
    }
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      const isGit = git !== undefined && !git.consumed;
      const [oldPath, newPath] = stripGitPrefixes(
        headerPath(line.slice(4)),
        headerPath(lines[i + 1]!.slice(4)),
        isGit,
      );
      if (oldPath === null && newPath === null) throw new PatchError(`line ${i + 1}: both sides are /dev/null`);
      const patch: FilePatch = {
        oldPath,
        newPath,
        hunks: [],
        copy: isGit && git?.copyFrom !== undefined ? true : undefined,
        rename: isGit && git?.copyFrom === undefined && oldPath !== null && newPath !== null && oldPath !== newPath ? true : undefined,
        newMode: isGit ? git?.newMode : undefined,
      };
      if (git) git.consumed = true;
      i += 2;
      while (i < lines.length && lines[i]!.startsWith('@@')) {
        const parsed = parseHunk(lines, i);
        patch.hunks.push(parsed.hunk);
        i = parsed.next;
      }
      if (patch.hunks.length === 0 && oldPath !== null && newPath !== null && oldPath === newPath) {
        throw new PatchError(`line ${i}: no hunks for ${newPath}`);
      }
      // Hunks must be applied top to bottom; models sometimes list them out of order.
      if (patch.hunks.every((h) => h.oldStart !== undefined)) {
        patch.hunks.sort((a, b) => (a.oldStart ?? 0) - (b.oldStart ?? 0));
      }
      patches.push(patch);
      continue;
    }
    if (line.startsWith('@@')) throw new PatchError(`line ${i + 1}: hunk without a preceding ---/+++ file header`);
    // Anything else (commit message, `index` lines outside git sections, commentary) is not part of a change.
    i++;
  }
  flushGit();
  return patches;
}

function parseHunk(lines: string[], start: number): { hunk: Hunk; next: number } {
  const header = lines[start]!;
  const m = HUNK_HEADER.exec(header);
  // A bare `@@` (optionally with a section label) is fine; a range that does not parse is a mistake to report.
  if (!m && !/^@@(\s*|\s+[^-+\s].*)$/.test(header)) throw new PatchError(`line ${start + 1}: malformed hunk header ${JSON.stringify(header)}`);
  const hunk: Hunk = { header, lines: [], oldNoNewlineAtEof: false, newNoNewlineAtEof: false };
  if (m) {
    hunk.oldStart = Number(m[1]);
    hunk.oldCount = m[2] === undefined ? 1 : Number(m[2]);
    hunk.newStart = Number(m[3]);
    hunk.newCount = m[4] === undefined ? 1 : Number(m[4]);
  }
  let oldSeen = 0;
  let newSeen = 0;
  // Lines that were empty in the diff (a context line whose lone space an editor stripped) unless trailing.
  const fromEmpty: boolean[] = [];
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const last = hunk.lines[hunk.lines.length - 1];
    if (line.startsWith('\\')) {
      if (last?.kind !== '+') hunk.oldNoNewlineAtEof = true;
      if (last?.kind !== '-') hunk.newNoNewlineAtEof = true;
      continue;
    }
    const satisfied = m !== null && oldSeen >= hunk.oldCount! && newSeen >= hunk.newCount!;
    const boundary =
      line.startsWith('@@') ||
      line.startsWith('diff --git ') ||
      (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) ||
      // `git format-patch` ends with a `-- ` signature line.
      (satisfied && line === '-- ');
    if (boundary) break;
    if (line === '') {
      if (satisfied) break;
      hunk.lines.push({ kind: ' ', text: '' });
      fromEmpty.push(true);
      oldSeen++;
      newSeen++;
      continue;
    }
    const kind = line[0];
    if (kind !== ' ' && kind !== '-' && kind !== '+') break;
    hunk.lines.push({ kind, text: line.slice(1) });
    fromEmpty.push(false);
    if (kind !== '+') oldSeen++;
    if (kind !== '-') newSeen++;
  }
  // Blank lines between a hunk and the next section are separators, not context.
  while (fromEmpty.length && fromEmpty[fromEmpty.length - 1] && (m === null || oldSeen > hunk.oldCount!)) {
    fromEmpty.pop();
    hunk.lines.pop();
    oldSeen--;
    newSeen--;
  }
  if (hunk.lines.length === 0) throw new PatchError(`line ${start + 1}: empty hunk`);
  return { hunk, next: i };
}
