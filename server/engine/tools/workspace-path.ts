/**
 * Confinement of every path a tool touches to the workspace. The model chooses the paths, so they
 * are untrusted: lexical escapes (`..`, absolute paths) are refused first, then every symlink on the
 * way is resolved and the real path must still be inside the workspace's real path.
 *
 * Known limit: this is a check-then-use design, so a process racing the tool (swapping a directory
 * for a symlink between the check and the open) could still redirect a write. The engine runs the
 * agent's own commands in the same workspace anyway; the check is there to stop path tricks in tool
 * input, not a hostile concurrent process.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** A tool input the tool refuses (bad path, no match, …); reported to the model, never thrown past runTool. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

export interface ResolveOptions {
  /** The path may not exist yet: confine its nearest existing ancestor instead. */
  forWrite?: boolean;
}

/** Same bound as the kernel's ELOOP, for dangling symlinks we follow by hand. */
const MAX_LINK_HOPS = 40;

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  if (rel === '') return true;
  // `..foo` is a legal name inside; only a leading `..` segment leaves.
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Workspace-relative, `/`-separated form of an absolute path inside the workspace, for output. */
export function toWorkspaceRelative(root: string, absolute: string): string {
  const rel = path.relative(root, absolute);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

async function realRoot(workspacePath: string): Promise<string> {
  try {
    return await fs.realpath(workspacePath);
  } catch {
    throw new ToolInputError(`the workspace ${workspacePath} does not exist`);
  }
}

/**
 * The absolute real path `relOrAbs` names, guaranteed inside the workspace. Without `forWrite` the
 * path must exist. With it, a missing tail is allowed, and the real path of the nearest existing
 * ancestor is what gets confined (so a write through a symlinked parent cannot leave).
 */
export async function resolveInWorkspace(
  workspacePath: string,
  relOrAbs: string,
  options: ResolveOptions = {},
): Promise<string> {
  const root = await realRoot(workspacePath);
  return resolveFrom(root, path.resolve(workspacePath), relOrAbs, options.forWrite === true, 0);
}

async function resolveFrom(
  root: string,
  lexicalRoot: string,
  requested: string,
  forWrite: boolean,
  hops: number,
): Promise<string> {
  if (typeof requested !== 'string' || requested.trim() === '') throw new ToolInputError('path is empty');
  if (requested.includes('\0')) throw new ToolInputError('path contains a NUL byte');

  const shown = JSON.stringify(requested);
  let candidate: string;
  if (path.isAbsolute(requested)) {
    const normalized = path.resolve(requested);
    // An absolute path under the workspace as configured (not yet realpath'd) means the same place.
    if (isInside(root, normalized)) candidate = normalized;
    else if (isInside(lexicalRoot, normalized)) candidate = path.join(root, path.relative(lexicalRoot, normalized));
    else throw new ToolInputError(`path ${shown} is outside the workspace`);
  } else {
    candidate = path.resolve(root, requested);
    if (!isInside(root, candidate)) throw new ToolInputError(`path ${shown} escapes the workspace`);
  }

  const real = await tryRealpath(candidate, shown);
  if (real !== undefined) {
    if (!isInside(root, real)) throw new ToolInputError(`path ${shown} leads outside the workspace through a symbolic link`);
    return real;
  }
  if (!forWrite) throw new ToolInputError(`no such file or directory: ${requested}`);

  // Walk up to the nearest ancestor that exists; what is below it will be created inside it.
  const missing: string[] = [path.basename(candidate)];
  let current = path.dirname(candidate);
  let probe = candidate;
  for (;;) {
    // A dangling symlink exists for lstat but not for realpath; writing through it would create its
    // target, wherever that is, so follow it by hand and confine the target like any other path.
    const dangling = await readDanglingLink(probe);
    if (dangling !== undefined) {
      if (hops >= MAX_LINK_HOPS) throw new ToolInputError(`path ${shown}: too many levels of symbolic links`);
      const parentReal = await tryRealpath(path.dirname(probe), shown);
      if (parentReal === undefined || !isInside(root, parentReal)) {
        throw new ToolInputError(`path ${shown} leads outside the workspace through a symbolic link`);
      }
      // `missing` ends with the link's own name; what comes before it lies below the link.
      const target = path.resolve(parentReal, dangling, ...missing.slice(0, -1).reverse());
      if (!isInside(root, target)) {
        throw new ToolInputError(`path ${shown} leads outside the workspace through a symbolic link`);
      }
      return resolveFrom(root, root, target, true, hops + 1);
    }
    const realAncestor = await tryRealpath(current, shown);
    if (realAncestor !== undefined) {
      if (!isInside(root, realAncestor)) {
        throw new ToolInputError(`path ${shown} leads outside the workspace through a symbolic link`);
      }
      return path.join(realAncestor, ...missing.reverse());
    }
    if (current === root || path.dirname(current) === current) {
      // The root itself vanished; nothing to confine against.
      throw new ToolInputError(`no such file or directory: ${requested}`);
    }
    missing.push(path.basename(current));
    probe = current;
    current = path.dirname(current);
  }
}

/** The realpath, or undefined if something on the way does not exist. */
async function tryRealpath(p: string, shown: string): Promise<string | undefined> {
  try {
    return await fs.realpath(p);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw new ToolInputError(`path ${shown}: too many levels of symbolic links`);
    if (code === 'EACCES') throw new ToolInputError(`path ${shown}: permission denied`);
    throw err;
  }
}

/** The link text if `p` is a symlink whose target does not exist, else undefined. */
async function readDanglingLink(p: string): Promise<string | undefined> {
  try {
    const st = await fs.lstat(p);
    if (!st.isSymbolicLink()) return undefined;
    return await fs.readlink(p);
  } catch {
    return undefined;
  }
}
