import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Principal } from '@/server/auth/principal';
import { actsAsAdmin } from '@/server/core/access/owner-scope';
import { AppError, badRequest, conflict } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { realRoot } from './list-workspace-roots';
import { workspaceRootsOf } from './resolve-workspace';

/** At most this many folders are listed for one directory; `truncated` says when there were more. */
export const BROWSE_MAX_ENTRIES = 500;

export const workspaceFolderSchema = z.object({ name: z.string(), path: z.string() });
export const workspaceListingSchema = z.object({
  /** The directory listed: its real path. */
  path: z.string(),
  /** The principal's root it sits under. */
  root: z.string(),
  /** The directory above it, or null at the root (browsing never climbs out of a root). */
  parent: z.string().nullable(),
  folders: z.array(workspaceFolderSchema),
  truncated: z.boolean(),
});
export type WorkspaceFolder = z.infer<typeof workspaceFolderSchema>;
export type WorkspaceListing = z.infer<typeof workspaceListingSchema>;

export interface BrowseWorkspaceInput {
  /** Absolute, or relative to the principal's first root; absent means that root. */
  path?: string;
  /** List folders whose name starts with a dot too. */
  showHidden?: boolean;
}

/**
 * One answer for a path that is missing, not a directory, or outside the principal's roots, so a
 * caller learns nothing about what exists elsewhere on the host.
 */
const folderNotFound = () => new AppError('NOT_FOUND', 'folder not found', { code: 'WORKSPACE_NOT_FOUND' });

const isInside = (real: string, root: string) => real === root || real.startsWith(root + path.sep);

interface Confined {
  real: string;
  root: string;
}

/** The real path of a directory under one of the principal's roots, or NOT_FOUND. */
async function confine(roots: string[], candidate: string): Promise<Confined> {
  if (candidate.includes('\0') || candidate.split(/[\\/]/).includes('..')) throw folderNotFound();
  const real = await fs.realpath(path.resolve(roots[0]!, candidate)).catch(() => undefined);
  if (!real || !(await fs.stat(real).then((s) => s.isDirectory(), () => false))) throw folderNotFound();
  // The deepest root that holds it (roots may nest).
  const root = roots.filter((r) => isInside(real, r)).sort((a, b) => b.length - a.length)[0];
  if (!root) throw folderNotFound();
  return { real, root };
}

async function realRootsOf(deps: Pick<WorkDeps, 'env'>, principal: Principal): Promise<string[]> {
  const roots = workspaceRootsOf(deps.env, principal);
  if (!actsAsAdmin(principal)) await fs.mkdir(roots[0]!, { recursive: true, mode: 0o700 });
  return Promise.all(roots.map(realRoot));
}

/**
 * The folders directly under a directory of the principal's workspace roots, by name. Symbolic
 * links are followed only when they lead to a folder under the principal's roots; files, and
 * dot-folders unless asked for, are left out.
 */
export async function browseWorkspace(deps: Pick<WorkDeps, 'env'>, principal: Principal, input: BrowseWorkspaceInput = {}): Promise<WorkspaceListing> {
  const roots = await realRootsOf(deps, principal);
  const { real, root } = await confine(roots, input.path?.trim() || roots[0]!);
  const entries = await fs.readdir(real, { withFileTypes: true }).catch(() => {
    throw folderNotFound();
  });
  const folders: WorkspaceFolder[] = [];
  for (const entry of entries) {
    if (!input.showHidden && entry.name.startsWith('.')) continue;
    const full = path.join(real, entry.name);
    if (entry.isDirectory()) folders.push({ name: entry.name, path: full });
    else if (entry.isSymbolicLink() || !entry.isFile()) {
      // A link (or an entry whose type the file system did not say) counts only as the folder it
      // really is, under the principal's roots.
      const target = await fs.realpath(full).catch(() => undefined);
      if (!target || !roots.some((r) => isInside(target, r))) continue;
      if (await fs.stat(target).then((s) => s.isDirectory(), () => false)) folders.push({ name: entry.name, path: full });
    }
  }
  folders.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' }));
  return {
    path: real,
    root,
    parent: real === root ? null : path.dirname(real),
    folders: folders.slice(0, BROWSE_MAX_ENTRIES),
    truncated: folders.length > BROWSE_MAX_ENTRIES,
  };
}

export interface CreateWorkspaceFolderInput {
  /** The directory to create it in (as browseWorkspace takes it). */
  parent: string;
  name: string;
}

const FOLDER_NAME = /^[\w][\w .@+-]{0,99}$/;

/** A new, empty folder directly under a directory of the principal's roots. Returns its real path. */
export async function createWorkspaceFolder(deps: Pick<WorkDeps, 'env'>, principal: Principal, input: CreateWorkspaceFolderInput): Promise<WorkspaceFolder> {
  const name = input.name.trim();
  if (!FOLDER_NAME.test(name)) throw badRequest('use letters, digits, spaces, dots, dashes and underscores, not starting with a dot (at most 100 characters)', 'name');
  const roots = await realRootsOf(deps, principal);
  const { real } = await confine(roots, input.parent);
  const full = path.join(real, name);
  await fs.mkdir(full, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw conflict('a folder or file with that name already exists', 'FOLDER_EXISTS');
    throw folderNotFound();
  });
  return { name, path: full };
}
