import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Principal } from '@/server/auth/principal';
import { actsAsAdmin } from '@/server/core/access/owner-scope';
import type { WorkDeps } from '@/server/core/work/deps';
import { workspaceRootsOf } from './resolve-workspace';

export const workspaceRootSchema = z.object({
  /** The root's real path (symlinks resolved), as workspaces under it are recorded. */
  path: z.string(),
  /** `own`: the principal's own root (`<first root>/users/<id>`); `server`: one of WORKSPACE_ROOTS (the admin's). */
  kind: z.enum(['own', 'server']),
});
export const workspaceRootListSchema = z.object({ roots: z.array(workspaceRootSchema) });
export type WorkspaceRoot = z.infer<typeof workspaceRootSchema>;
export type WorkspaceRootList = z.infer<typeof workspaceRootListSchema>;

/** A root's real path; one that does not exist (yet) stays as configured. */
export const realRoot = (root: string) => fs.realpath(root).catch(() => path.resolve(root));

/**
 * The roots the principal may put work under, as resolveWorkspace allows them: every WORKSPACE_ROOT
 * for the admin, its own root for anyone else (created here as on first use, so it can be browsed).
 */
export async function listWorkspaceRoots(deps: Pick<WorkDeps, 'env'>, principal: Principal, _input: Record<string, never> = {}): Promise<WorkspaceRootList> {
  const admin = actsAsAdmin(principal);
  const roots = workspaceRootsOf(deps.env, principal);
  if (!admin) await fs.mkdir(roots[0]!, { recursive: true, mode: 0o700 });
  const kind = admin ? 'server' : 'own';
  const real = await Promise.all(roots.map(realRoot));
  return { roots: [...new Set(real)].map((p) => ({ path: p, kind })) };
}
