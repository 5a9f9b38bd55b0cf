/**
 * Unified diffs (git-style or plain): a parser, a pure hunk applier, and an all-or-nothing
 * workspace applier that the `apply_patch` tool and server-side patch endpoints share.
 *
 * Leniencies, because models write most of these diffs: hunk header counts are recounted from the
 * body when they disagree, hunks are located by their context near the stated line (like `patch`
 * with offset, no fuzz), a hunk header may be a bare `@@`, trailing whitespace and CRLF differences
 * are tolerated when matching, and context lines always keep the file's own text.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Tool } from './types';
import { describeError, looksBinary } from './shared';
import { isInside, resolveInWorkspace, toWorkspaceRelative, ToolInputError } from './workspace-path';

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

export interface ApplyOptions {
  /**
   * Workspace-relative directory prefixes or exact files the patch may touch; anything else fails
   * the whole patch. Omitted: the whole workspace.
   */
  allowedPaths?: string[];
}

export interface AppliedFile {
  /** Workspace-relative real path. */
  path: string;
  action: 'added' | 'modified' | 'deleted';
}

export interface ApplyResult {
  files: AppliedFile[];
  /** The paths of `files`, in patch order. */
  changedFiles: string[];
}

// ---------------------------------------------------------------------------------------------
// Parsing

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

// ---------------------------------------------------------------------------------------------
// Applying to text

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

function describeHunk(hunk: Hunk, index: number): string {
  const firstOld = hunk.lines.find((l) => l.kind !== '+');
  const hint = firstOld ? `; expected ${JSON.stringify(firstOld.text.slice(0, 80))}` : '';
  return `hunk ${index + 1} (${hunk.header}) does not match${hint}`;
}

/**
 * Apply hunks to a file's text (null: the file does not exist yet). Returns the new text, or the
 * list of hunks that did not match. Pure.
 */
export function applyHunks(content: string | null, hunks: Hunk[]): { content: string } | { failures: string[] } {
  const text = content ?? '';
  let lines = text === '' ? [] : text.split('\n');
  let eofNewline = content === null || text === '' ? true : text.endsWith('\n');
  if (text.endsWith('\n')) lines = lines.slice(0, -1);
  const crlfLines = lines.filter((l) => l.endsWith('\r')).length;
  const eol = crlfLines > 0 && crlfLines >= lines.length / 2 ? '\r' : '';

  const out: string[] = [];
  const failures: string[] = [];
  let cursor = 0;
  hunks.forEach((hunk, index) => {
    const oldLines = hunk.lines.filter((l) => l.kind !== '+').map((l) => l.text);
    const hint =
      hunk.oldStart === undefined ? cursor : Math.max(0, hunk.oldCount === 0 ? hunk.oldStart : hunk.oldStart - 1);
    let pos: number | undefined;
    if (oldLines.length === 0) {
      if (hunk.oldStart === undefined && lines.length > 0) {
        failures.push(`hunk ${index + 1} (${hunk.header}) has no context lines to locate it`);
        return;
      }
      pos = Math.min(Math.max(hint, cursor), lines.length);
    } else {
      const matchAt = (at: number, same: (a: string, b: string) => boolean) =>
        oldLines.every((l, k) => same(stripCr(lines[at + k]!), l));
      const exact = (a: string, b: string) => a === b;
      const loose = (a: string, b: string) => a.trimEnd() === b.trimEnd();
      for (const same of [exact, loose]) {
        pos = nearestMatch(cursor, lines.length - oldLines.length, hint, (at) => matchAt(at, same));
        if (pos !== undefined) break;
      }
    }
    if (pos === undefined) {
      failures.push(describeHunk(hunk, index));
      return;
    }
    out.push(...lines.slice(cursor, pos));
    let p = pos;
    for (const l of hunk.lines) {
      if (l.kind === ' ') out.push(lines[p++]!);
      else if (l.kind === '-') p++;
      else out.push(l.text + eol);
    }
    if (p === lines.length) {
      if (hunk.newNoNewlineAtEof) eofNewline = false;
      else if (hunk.oldNoNewlineAtEof) eofNewline = true;
    }
    cursor = p;
  });
  if (failures.length) return { failures };
  out.push(...lines.slice(cursor));
  if (out.length === 0) return { content: '' };
  return { content: out.join('\n') + (eofNewline ? '\n' : '') };
}

/** The matching position in [min, max] closest to `hint` (earlier wins a tie), or undefined. */
function nearestMatch(min: number, max: number, hint: number, matches: (at: number) => boolean): number | undefined {
  if (max < min) return undefined;
  const start = Math.min(Math.max(hint, min), max);
  for (let d = 0; start - d >= min || start + d <= max; d++) {
    if (start - d >= min && matches(start - d)) return start - d;
    if (d > 0 && start + d <= max && matches(start + d)) return start + d;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Applying to the workspace

interface FileState {
  rel: string;
  /** Content before the patch; null if the file did not exist. */
  original: string | null;
  current: string | null;
  mode?: number;
  newMode?: string;
}

function normalizeAllowed(entry: string): string {
  let e = entry.replace(/\\/g, '/').replace(/\/+$/, '');
  while (e.startsWith('./')) e = e.slice(2);
  return e === '.' ? '' : e;
}

async function allowedPrefixes(root: string, allowed: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const entry of allowed) {
    const abs = path.resolve(root, entry);
    out.add(normalizeAllowed(path.isAbsolute(entry) ? toWorkspaceRelative(root, abs) : entry));
    // Also the real location, so an allowed directory that is itself a symlink within the workspace works.
    const real = await fs.realpath(abs).catch(() => undefined);
    if (real !== undefined && isInside(root, real)) out.add(normalizeAllowed(toWorkspaceRelative(root, real)));
  }
  return [...out];
}

function isAllowed(rel: string, prefixes: string[]): boolean {
  return prefixes.some((p) => p === '' || rel === p || rel.startsWith(`${p}/`));
}

/**
 * Apply a unified diff to the workspace, all or nothing: every path is confined and every hunk is
 * checked against the files before anything is written; then new contents go to temporary files
 * that are renamed into place, so a failed write leaves the workspace as it was. Throws PatchError.
 */
export async function applyUnifiedDiff(workspace: string, diff: string, options: ApplyOptions = {}): Promise<ApplyResult> {
  const patches = parseUnifiedDiff(diff);
  if (patches.length === 0) throw new PatchError('the patch contains no file changes (expected ---/+++ headers and @@ hunks)');
  const root = await fs.realpath(workspace).catch(() => {
    throw new PatchError(`the workspace ${workspace} does not exist`);
  });
  const allowed = options.allowedPaths ? await allowedPrefixes(root, options.allowedPaths) : undefined;

  const states = new Map<string, FileState>();
  const order: string[] = [];
  const failures: string[] = [];

  const locate = async (p: string): Promise<string | undefined> => {
    let abs: string;
    try {
      abs = await resolveInWorkspace(root, p, { forWrite: true });
    } catch (err) {
      failures.push(`${p}: ${describeError(err)}`);
      return undefined;
    }
    const rel = toWorkspaceRelative(root, abs);
    if (abs === root) {
      failures.push(`${p}: is the workspace root`);
      return undefined;
    }
    if (allowed && !isAllowed(rel, allowed)) {
      failures.push(`${p}: not in the paths this patch may change`);
      return undefined;
    }
    return abs;
  };

  const load = async (abs: string, shown: string): Promise<FileState | undefined> => {
    const known = states.get(abs);
    if (known) return known;
    const rel = toWorkspaceRelative(root, abs);
    let state: FileState;
    try {
      const st = await fs.stat(abs);
      if (!st.isFile()) {
        failures.push(`${shown}: not a regular file`);
        return undefined;
      }
      const buf = await fs.readFile(abs);
      if (looksBinary(buf)) {
        failures.push(`${shown}: looks like a binary file; cannot patch it`);
        return undefined;
      }
      const text = buf.toString('utf8');
      state = { rel, original: text, current: text, mode: st.mode & 0o7777 };
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') {
        failures.push(`${shown}: ${describeError(err)}`);
        return undefined;
      }
      state = { rel, original: null, current: null };
    }
    states.set(abs, state);
    order.push(abs);
    return state;
  };

  for (const patch of patches) {
    const oldAbs = patch.oldPath === null ? null : await locate(patch.oldPath);
    const newAbs = patch.newPath === null ? null : await locate(patch.newPath);
    if (oldAbs === undefined || newAbs === undefined) continue;
    let oldState = oldAbs === null ? null : await load(oldAbs, patch.oldPath!);
    let newState = newAbs === null ? null : await load(newAbs, patch.newPath!);
    if (oldState === undefined || newState === undefined) continue;
    let label = patch.newPath ?? patch.oldPath!;
    if (oldState && newState && oldState !== newState && !patch.rename && !patch.copy) {
      const target = newState.current !== null ? newState : oldState;
      if (target === oldState) label = patch.oldPath!;
      oldState = newState = target;
    }

    if (oldState && oldState.current === null) {
      failures.push(`${patch.oldPath}: does not exist`);
      continue;
    }
    if (!oldState && newState && newState.current !== null) {
      failures.push(`${patch.newPath}: already exists (the patch creates it from /dev/null)`);
      continue;
    }
    if (oldState && newState && oldState !== newState && newState.current !== null) {
      failures.push(`${patch.newPath}: already exists (the patch renames ${patch.oldPath} onto it)`);
      continue;
    }

    const source = oldState ? oldState.current : null;
    const applied = patch.hunks.length ? applyHunks(source, patch.hunks) : { content: source ?? '' };
    if ('failures' in applied) {
      failures.push(...applied.failures.map((f) => `${label}: ${f}`));
      continue;
    }
    if (!newState) {
      // A deletion must remove everything it claims the file holds; leftover lines mean a stale diff.
      if (patch.hunks.length && applied.content !== '') {
        failures.push(`${label}: the deletion's hunks do not cover the whole file`);
        continue;
      }
      oldState!.current = null;
      continue;
    }
    newState.current = applied.content;
    if (patch.newMode) newState.newMode = patch.newMode;
    if (oldState && oldState !== newState && !patch.copy) {
      newState.mode ??= oldState.mode;
      oldState.current = null;
    }
  }

  if (failures.length) {
    throw new PatchError(`patch not applied (nothing was changed):\n${failures.map((f) => `- ${f}`).join('\n')}`);
  }

  const changed = order
    .map((abs) => [abs, states.get(abs)!] as const)
    .filter(([, s]) => s.current !== s.original || (s.current !== null && s.newMode !== undefined));
  const temps: Array<[tmp: string, target: string]> = [];
  try {
    for (const [abs, s] of changed) {
      if (s.current === null) continue;
      await fs.mkdir(path.dirname(abs), { recursive: true });
      const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.patch-${randomBytes(4).toString('hex')}.tmp`);
      await fs.writeFile(tmp, s.current, { encoding: 'utf8', flag: 'wx' });
      temps.push([tmp, abs]);
      const mode = s.newMode ? parseInt(s.newMode.slice(-4), 8) & 0o777 : s.mode;
      if (mode !== undefined) await fs.chmod(tmp, mode);
    }
  } catch (err) {
    await Promise.all(temps.map(([tmp]) => fs.rm(tmp, { force: true })));
    throw new PatchError(`patch not applied (nothing was changed): ${describeError(err)}`);
  }
  for (const [tmp, target] of temps) await fs.rename(tmp, target);
  for (const [abs, s] of changed) if (s.current === null) await fs.rm(abs, { force: true });

  const files: AppliedFile[] = changed.map(([, s]) => ({
    path: s.rel,
    action: s.original === null ? 'added' : s.current === null ? 'deleted' : 'modified',
  }));
  return { files, changedFiles: files.map((f) => f.path) };
}

// ---------------------------------------------------------------------------------------------
// The tool

const input = z.object({
  patch: z
    .string()
    .min(1)
    .describe('A unified diff (as `git diff` prints it): ---/+++ file headers and @@ hunks; /dev/null for new or deleted files.'),
});
export type ApplyPatchInput = z.infer<typeof input>;

export const applyPatchTool: Tool<ApplyPatchInput> = {
  name: 'apply_patch',
  description:
    'Apply a unified diff to files in the workspace. Supports several files, new files (--- /dev/null) and ' +
    'deletions (+++ /dev/null). All or nothing: if any hunk does not match, no file is changed and the ' +
    'failing hunks are reported. Include about 3 lines of unchanged context around each change.',
  category: 'write',
  input,
  summarize: (i) => {
    try {
      const names = parseUnifiedDiff(i.patch).map((p) =>
        p.oldPath && p.newPath && p.oldPath !== p.newPath ? `${p.oldPath} → ${p.newPath}` : (p.newPath ?? p.oldPath),
      );
      return names.length ? `apply patch to ${names.join(', ')}` : 'apply patch (no file changes)';
    } catch {
      return 'apply patch (malformed)';
    }
  },
  async run(i, ctx) {
    const result = await applyUnifiedDiff(ctx.workspacePath, i.patch);
    const mark = { added: 'A', modified: 'M', deleted: 'D' } as const;
    const lines = result.files.map((f) => `${mark[f.action]} ${f.path}`);
    return {
      output: lines.length ? `patch applied:\n${lines.join('\n')}` : 'patch applied (no changes)',
      isError: false,
      changedFiles: result.changedFiles,
    };
  },
};
