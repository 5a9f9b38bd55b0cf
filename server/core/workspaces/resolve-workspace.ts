import fs from 'node:fs/promises';
import path from 'node:path';
import { badRequest } from '@/server/core/shared/errors';
import type { Principal } from '@/server/auth/principal';
import { actsAsAdmin, ownerOf } from '@/server/core/access/owner-scope';
import type { Env } from '@/server/env';

const NOT_ALLOWED = 'not an allowed workspace';

const isInside = (real: string, root: string) => real === root || real.startsWith(root + path.sep);

/**
 * A non-admin owner's own root: `<first WORKSPACE_ROOT>/users/<user id>`. The id, not the username:
 * a username can change (and could be chosen to match another owner's directory), an id cannot.
 */
export function ownerWorkspaceRoot(env: Pick<Env, 'workspaceRoots'>, principal: Principal): string {
  // Ids are plain tokens; anything else (a credential of no one's, named by an address) is flattened so it stays one directory.
  const name = ownerOf(principal).replace(/[^\w.-]/g, '_').replace(/^\.+/, '_');
  return path.join(env.workspaceRoots[0]!, 'users', name);
}

/** The roots the principal may put work under: all of WORKSPACE_ROOTS for the admin, its own root for anyone else. */
export function workspaceRootsOf(env: Pick<Env, 'workspaceRoots'>, principal: Principal): string[] {
  return actsAsAdmin(principal) ? [...env.workspaceRoots] : [ownerWorkspaceRoot(env, principal)];
}

/**
 * A workspace is a directory whose real path (symlinks resolved) sits under one of the principal's
 * workspace roots (see workspaceRootsOf). A non-admin may give a path relative to its own root,
 * which is created on first use. Returns the real path. Anything else is a 400 "not an allowed
 * workspace" that reads the same whether the path is missing, not a directory or forbidden, so
 * the answer never tells a caller what exists on the host.
 */
export async function resolveWorkspace(env: Pick<Env, 'workspaceRoots'>, principal: Principal, candidate: string, field = 'workspace_path'): Promise<string> {
  if (typeof candidate !== 'string' || candidate.trim() === '') throw badRequest('is required', field);
  if (candidate.includes('\0')) throw badRequest('is not a valid path', field);
  const admin = actsAsAdmin(principal);
  if (admin && !path.isAbsolute(candidate)) throw badRequest('must be an absolute path', field);
  const roots = workspaceRootsOf(env, principal);
  if (!admin) await fs.mkdir(roots[0]!, { recursive: true, mode: 0o700 });
  const real = await fs.realpath(path.resolve(roots[0]!, candidate)).catch(() => undefined);
  const isDirectory = real ? await fs.stat(real).then((s) => s.isDirectory(), () => false) : false;
  if (real && isDirectory) {
    for (const root of roots) {
      const realRoot = await fs.realpath(root).catch(() => path.resolve(root));
      if (isInside(real, realRoot)) return real;
    }
  }
  throw badRequest(NOT_ALLOWED, field);
}

/** A file path given relative to the workspace (or absolute inside it), confined to it. */
export async function resolveInsideWorkspace(workspace: string, candidate: string, field: string, opts: { mustExist: boolean }): Promise<string> {
  if (!candidate || candidate.includes('\0')) throw badRequest('is not a valid path', field);
  const absolute = path.resolve(workspace, candidate);
  if (absolute !== workspace && !absolute.startsWith(workspace + path.sep)) throw badRequest('must be inside the workspace', field);
  if (!opts.mustExist) {
    // Check the path itself if it exists, else its nearest existing ancestor, so that a symlink —
    // the file itself or a directory on the way (an untrusted repo's `specs`) — cannot lead outside.
    let probe = absolute;
    for (;;) {
      const real = await fs.realpath(probe).catch(() => undefined);
      if (real) {
        if (real !== workspace && !real.startsWith(workspace + path.sep)) throw badRequest('must be inside the workspace (a symbolic link leads out of it)', field);
        return absolute;
      }
      // A dangling symlink would be written through to wherever it points.
      if (await fs.lstat(probe).then((st) => st.isSymbolicLink(), () => false)) throw badRequest('must be inside the workspace (a symbolic link leads out of it)', field);
      probe = path.dirname(probe);
    }
  }
  const real = await fs.realpath(absolute).catch(() => undefined);
  if (!real) throw badRequest(`${candidate} does not exist`, field);
  if (real !== workspace && !real.startsWith(workspace + path.sep)) throw badRequest('must be inside the workspace', field);
  return real;
}
