import type { Principal } from '@/server/auth/principal';
import { toStoredEventDto, type StoredEventDto } from '@/server/core/events/event-dto';
import { readEvents } from '@/server/core/events/read-events';
import { sessionStream } from '@/server/core/events/streams';
import type { WorkDeps } from '@/server/core/work/deps';
import { requireSession } from './find-session';

/** The session's event stream, for a transport to follow (SSE, WebSocket). Unknown (or another owner's) → SESSION_NOT_FOUND. */
export async function openSessionStream(deps: WorkDeps, principal: Principal, input: { id: string }): Promise<{ streamId: string }> {
  await requireSession(deps.db, principal, input.id);
  return { streamId: sessionStream(input.id) };
}

/** One page of the session's stored events from `fromSeq` (inclusive). */
export async function readSessionEvents(deps: WorkDeps, principal: Principal, input: { id: string; fromSeq?: number; limit?: number }): Promise<StoredEventDto[]> {
  const { streamId } = await openSessionStream(deps, principal, input);
  return (await readEvents(deps.db, streamId, input.fromSeq ?? 1, input.limit ?? 1000)).map(toStoredEventDto);
}
