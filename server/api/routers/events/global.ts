/**
 * `events.global`: every event of every run and session the principal may see (the admin sees all),
 * each naming the stream it came from and its seq there. Its own seq is the event's global position:
 * increasing but not consecutive, so a client resumes with the last one it saw (other principals'
 * events are left out the same way).
 */
import { z } from 'zod';
import { toGlobalEventDto } from '@/server/core/events/event-dto';
import { visibleStreamFilter } from '@/server/core/events/visible-streams';
import { streamAuthedProcedure } from '@/server/api/trpc';
import { followGlobal } from '@/server/stream/global-tail';
import { resumeCursor, trackEvents } from './follow';

export const global = streamAuthedProcedure.input(z.object({ ...resumeCursor }).optional()).subscription(async ({ ctx, input, signal }) => {
  const visible = visibleStreamFilter(ctx.services, ctx.principal);
  return trackEvents(
    {
      signal,
      openedBy: ctx.principal,
      shape: async (e) => ((await visible(e.streamId)) ? toGlobalEventDto(e) : null),
    },
    (signal) => followGlobal(ctx.services, { afterPos: input?.lastEventId ? Number(input.lastEventId) : 0, signal }),
    (e) => e.globalPos,
  );
});
