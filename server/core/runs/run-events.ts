import { eq } from 'drizzle-orm';
import { streamHead } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { toStoredEventDto, type StoredEventDto } from '@/server/core/events/event-dto';
import { readEvents } from '@/server/core/events/read-events';
import { runStream } from '@/server/core/events/streams';
import type { WorkDeps } from '@/server/core/work/deps';
import { isTerminalRun } from '@/server/core/work/status';
import { requireRun } from './find-run';

export interface RunStreamHandle {
  streamId: string;
  /**
   * A reader starting at `fromSeq` has nothing left to wait for: the run has finished and its last
   * event comes before the cursor (status and terminal event commit together, so this is exact).
   */
  exhausted: boolean;
}

/** The run's event stream, for a transport to follow (SSE, WebSocket, tRPC). Unknown (or another owner's) run → RUN_NOT_FOUND. */
export async function openRunStream(deps: WorkDeps, principal: Principal, input: { id: string; fromSeq?: number }): Promise<RunStreamHandle> {
  const found = await requireRun(deps.db, principal, input.id);
  const streamId = runStream(input.id);
  if (!isTerminalRun(found.status) || input.fromSeq === undefined) return { streamId, exhausted: false };
  const [head] = await deps.db.select({ lastSeq: streamHead.lastSeq }).from(streamHead).where(eq(streamHead.streamId, streamId));
  return { streamId, exhausted: input.fromSeq > (head?.lastSeq ?? 0) };
}

/** One page of the run's stored events from `fromSeq` (inclusive). */
export async function readRunEvents(deps: WorkDeps, principal: Principal, input: { id: string; fromSeq?: number; limit?: number }): Promise<StoredEventDto[]> {
  const { streamId } = await openRunStream(deps, principal, { id: input.id });
  return (await readEvents(deps.db, streamId, input.fromSeq ?? 1, input.limit ?? 1000)).map(toStoredEventDto);
}
