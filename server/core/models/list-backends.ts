import type { Principal } from '@/server/auth/principal';
import { backendHealth } from '@/server/core/overview/backend-health';
import type { WorkDeps } from '@/server/core/work/deps';

export interface BackendStatus {
  provider: string;
  kind: 'api' | 'cli';
  /** `provider:model` refs it serves. */
  models: string[];
  /**
   * Whether it answers. Probes are shared with the overview (kept a minute, never waited on for
   * long): a backend whose first probe is still running reads as not ok, `checking…`.
   */
  health: { ok: boolean; message: string };
}

/** Every backend this server found, in discovery order, with its health. */
export async function listBackends(deps: WorkDeps, _principal: Principal, _input: Record<string, never> = {}): Promise<BackendStatus[]> {
  const backends = deps.backends.list();
  const health = await backendHealth(backends);
  return backends.map((b, i) => ({
    provider: b.provider,
    kind: b.kind,
    models: b.models().map((m) => m.ref),
    health: { ok: health[i]!.availability === 'available', message: health[i]!.message },
  }));
}
