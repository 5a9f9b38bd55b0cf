import type { Principal } from '@/server/auth/principal';
import { toStoredEventDto, type StoredEventDto } from '@/server/core/events/event-dto';
import { readEvents } from '@/server/core/events/read-events';
import { runStream } from '@/server/core/events/streams';
import type { WorkDeps } from '@/server/core/work/deps';
import { requireRun } from './find-run';

/** The run's event stream, for a transport to follow (SSE, WebSocket). Unknown run → RUN_NOT_FOUND. */
export async function openRunStream(deps: WorkDeps, _principal: Principal, input: { id: string }): Promise<{ streamId: string }> {
  await requireRun(deps.db, input.id);
  return { streamId: runStream(input.id) };
}

/** One page of the run's stored events from `fromSeq` (inclusive). */
export async function readRunEvents(deps: WorkDeps, principal: Principal, input: { id: string; fromSeq?: number; limit?: number }): Promise<StoredEventDto[]> {
  const { streamId } = await openRunStream(deps, principal, input);
  return (await readEvents(deps.db, streamId, input.fromSeq ?? 1, input.limit ?? 1000)).map(toStoredEventDto);
}
