import type { Principal } from '@/server/auth/principal';
import { currentGlobalFence } from '@/server/core/events/read-global';
import type { WorkDeps } from '@/server/core/work/deps';

/**
 * Where the global stream is now, as a `lastEventId` for `events.global`: a client that has just read
 * the state it shows follows the changes from here instead of replaying the whole log. Everything
 * below the fence is final, so nothing after the returned position can be missed.
 */
export async function getStreamPosition(deps: Pick<WorkDeps, 'db'>, _principal: Principal, _input: Record<string, never> = {}): Promise<{ stream_position: string }> {
  return { stream_position: String(Math.max(0, (await currentGlobalFence(deps.db)) - 1)) };
}
