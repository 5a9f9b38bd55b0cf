/**
 * Applying parsed patches: a pure hunk applier, and an all-or-nothing workspace applier that the
 * `apply_patch` tool and server-side patch endpoints share.
 *
 * Hunks are located by their context near the stated line (like `patch` with offset, no fuzz),
 * trailing whitespace and CRLF differences are tolerated when matching, and context lines always
 * keep the file's own text.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describeError, looksBinary } from '../shared';
import { isInside, resolveInWorkspace, toWorkspaceRelative } from '../workspace-path';
import { parseUnifiedDiff, PatchError, type Hunk } from './parse';

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
