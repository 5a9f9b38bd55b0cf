/**
 * `events.global`: every event of every run and session the principal may see (the admin sees all),
 * each naming the stream it came from. Its seqs are the global stream's own, so resuming works as
 * for any other stream even though other principals' events are left out.
 */
import { z } from 'zod';
import { toGlobalEventDto } from '@/server/core/events/event-dto';
import { GLOBAL_STREAM } from '@/server/core/events/streams';
import { visibleStreamFilter } from '@/server/core/events/visible-streams';
import { streamAuthedProcedure } from '@/server/api/trpc';
import { firstUnseenSeq, followTracked, resumeCursor } from './follow';

export const global = streamAuthedProcedure.input(z.object({ ...resumeCursor }).optional()).subscription(async ({ ctx, input, signal }) => {
  const visible = visibleStreamFilter(ctx.services, ctx.principal);
  return followTracked(ctx.services, GLOBAL_STREAM, {
    fromSeq: firstUnseenSeq(input?.lastEventId),
    signal,
    openedBy: ctx.principal,
    shape: async (e) => {
      const event = toGlobalEventDto(e);
      return event && (await visible(event.stream)) ? event : null;
    },
  });
});
