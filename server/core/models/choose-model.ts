import type { Db } from '@/db/client';
import { badRequest } from '@/server/core/shared/errors';
import type { BackendRegistry } from '@/server/engine/backends/registry';
import { readModelPolicy } from './model-policy';

/**
 * The model for new work: the one asked for, else the first available of the policy's
 * preferred_models, else the server's default. An unknown model is a 400 naming the field.
 */
export async function chooseModel(deps: { db: Db; backends: BackendRegistry }, requested: string | undefined, field = 'model'): Promise<string> {
  if (requested) {
    try {
      deps.backends.resolve(requested);
    } catch (err) {
      throw badRequest(err instanceof Error ? err.message : `unknown model ${requested}`, field);
    }
    return requested;
  }
  const policy = await readModelPolicy(deps.db);
  for (const ref of policy.preferred_models) {
    try {
      deps.backends.resolve(ref);
      return ref;
    } catch {
      /* not available here; try the next */
    }
  }
  return deps.backends.defaultModelRef();
}
