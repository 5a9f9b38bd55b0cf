/** `events.run`: a run's events, live, ending after its terminal event. */
import { z } from 'zod';
import { toStoredEventDto } from '@/server/core/events/event-dto';
import * as runs from '@/server/core/runs';
import { RUN_TERMINAL_EVENTS } from '@/server/core/work/status';
import { scopedProcedure } from '@/server/api/trpc';
import { firstUnseenSeq, followTracked, resumeCursor } from './follow';

export const run = scopedProcedure('runs:read', { stream: true })
  .input(z.object({ id: z.string().min(1), ...resumeCursor }))
  .subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream opens, so a missing run is a NOT_FOUND the client does not retry.
    const fromSeq = firstUnseenSeq(input.lastEventId);
    const { streamId, exhausted } = await runs.openRunStream(ctx.services, ctx.principal, { id: input.id, fromSeq });
    return followTracked(ctx.services, streamId, {
      fromSeq,
      signal: exhausted ? AbortSignal.abort() : signal,
      openedBy: ctx.principal,
      shape: toStoredEventDto,
      until: (e) => RUN_TERMINAL_EVENTS.has(e.type),
    });
  });
