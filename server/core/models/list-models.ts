import type { Principal } from '@/server/auth/principal';
import type { WorkDeps } from '@/server/core/work/deps';
import { toModelDto, type ModelList } from './model-dto';

/** Every model of every backend this server found, in discovery order, the default flagged. */
export async function listModels(deps: WorkDeps, _principal: Principal, _input: Record<string, never> = {}): Promise<ModelList> {
  const defaultModel = deps.backends.defaultModelRef();
  return { defaultModel, models: deps.backends.list().flatMap((b) => b.models().map((m) => toModelDto(m, b, defaultModel))) };
}
