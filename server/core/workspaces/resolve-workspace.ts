import fs from 'node:fs/promises';
import path from 'node:path';
import { badRequest } from '@/server/core/shared/errors';
import type { Env } from '@/server/env';

/**
 * A workspace is a directory that exists and whose real path (symlinks resolved) sits under one of
 * WORKSPACE_ROOTS. Returns that real path; anything else is a 400 naming the field.
 */
export async function resolveWorkspace(env: Pick<Env, 'workspaceRoots'>, candidate: string, field = 'workspace_path'): Promise<string> {
  if (typeof candidate !== 'string' || candidate.trim() === '') throw badRequest('is required', field);
  if (candidate.includes('\0')) throw badRequest('is not a valid path', field);
  if (!path.isAbsolute(candidate)) throw badRequest('must be an absolute path', field);
  let real: string;
  try {
    real = await fs.realpath(candidate);
  } catch {
    throw badRequest(`${candidate} does not exist`, field);
  }
  const stat = await fs.stat(real);
  if (!stat.isDirectory()) throw badRequest(`${candidate} is not a directory`, field);
  for (const root of env.workspaceRoots) {
    const realRoot = await fs.realpath(root).catch(() => path.resolve(root));
    if (real === realRoot || real.startsWith(realRoot + path.sep)) return real;
  }
  throw badRequest(`${candidate} is outside the allowed workspace roots (WORKSPACE_ROOTS)`, field);
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
