/**
 * `events.global`: every event of every run and session the principal may see (the admin sees all),
 * each naming the stream it came from. Its seqs are the global stream's own, so resuming works as
 * for any other stream even though other principals' events are left out.
 */
import { z } from 'zod';
import type { StoredEvent } from '@/server/core/events/streams';
import { GLOBAL_STREAM } from '@/server/core/events/streams';
import { visibleStreamFilter } from '@/server/core/events/visible-streams';
import { streamAuthedProcedure } from '@/server/api/trpc';
import { eventOutput } from '../work-outputs';
import { firstUnseenSeq, followTracked, resumeCursor } from './follow';

export const globalEventOutput = eventOutput.extend({
  /** The run or session stream the event belongs to (`run:<id>`, `session:<id>`) and its seq there. */
  stream: z.string(),
  stream_seq: z.number(),
});

export type GlobalEventOutput = z.infer<typeof globalEventOutput>;

/** The global copy carries its origin inside `data`; the DTO lifts it out so `data` is the event's own. */
function toGlobalEventOutput(e: StoredEvent): GlobalEventOutput | null {
  const { stream, stream_seq, ...data } = e.data;
  if (typeof stream !== 'string' || typeof stream_seq !== 'number') return null;
  return { seq: e.seq, type: e.type, data, created_at: e.createdAt.toISOString(), stream, stream_seq };
}

export const global = streamAuthedProcedure.input(z.object({ ...resumeCursor }).optional()).subscription(async ({ ctx, input, signal }) => {
  const visible = visibleStreamFilter(ctx.services, ctx.principal);
  return followTracked(ctx.services, GLOBAL_STREAM, {
    fromSeq: firstUnseenSeq(input?.lastEventId),
    signal,
    shape: async (e) => {
      const event = toGlobalEventOutput(e);
      return event && (await visible(event.stream)) ? event : null;
    },
  });
});
