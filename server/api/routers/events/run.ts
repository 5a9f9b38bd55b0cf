/** `events.run`: a run's events, live, ending after its terminal event. */
import { z } from 'zod';
import { runStream } from '@/server/core/events/streams';
import { requireStreamOrigin } from '@/server/core/events/visible-streams';
import { RUN_TERMINAL_EVENTS } from '@/server/core/work/status';
import { scopedProcedure } from '@/server/api/trpc';
import { toEventOutput } from '../work-outputs';
import { firstUnseenSeq, followTracked, resumeCursor } from './follow';

export const run = scopedProcedure('runs:read', { stream: true })
  .input(z.object({ id: z.string().min(1), ...resumeCursor }))
  .subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream opens, so a missing run is a NOT_FOUND the client does not retry.
    const streamId = runStream(input.id);
    const origin = await requireStreamOrigin(ctx.services, streamId);
    const fromSeq = firstUnseenSeq(input.lastEventId);
    // A reader resuming after a finished run's last event has nothing left to wait for.
    const finished = origin.ended && fromSeq > origin.lastSeq;
    return followTracked(ctx.services, streamId, {
      fromSeq,
      signal: finished ? AbortSignal.abort() : signal,
      shape: toEventOutput,
      until: (e) => RUN_TERMINAL_EVENTS.has(e.type),
    });
  });
