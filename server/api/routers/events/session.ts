/** `events.session`: a session's events, live; it never ends, a session can always take another turn. */
import { z } from 'zod';
import { sessionStream } from '@/server/core/events/streams';
import { requireStreamOrigin } from '@/server/core/events/visible-streams';
import { scopedProcedure } from '@/server/api/trpc';
import { toEventOutput } from '../work-outputs';
import { firstUnseenSeq, followTracked, resumeCursor } from './follow';

export const session = scopedProcedure('sessions:read', { stream: true })
  .input(z.object({ id: z.string().min(1), ...resumeCursor }))
  .subscription(async ({ ctx, input, signal }) => {
    const streamId = sessionStream(input.id);
    await requireStreamOrigin(ctx.services, streamId);
    return followTracked(ctx.services, streamId, { fromSeq: firstUnseenSeq(input.lastEventId), signal, shape: toEventOutput });
  });
