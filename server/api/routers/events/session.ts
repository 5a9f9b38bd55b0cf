/** `events.session`: a session's events, live; it never ends, a session can always take another turn. */
import { z } from 'zod';
import { toStoredEventDto } from '@/server/core/events/event-dto';
import * as sessions from '@/server/core/sessions';
import { scopedProcedure } from '@/server/api/trpc';
import { firstUnseenSeq, followTracked, resumeCursor } from './follow';

export const session = scopedProcedure('sessions:read', { stream: true })
  .input(z.object({ id: z.string().min(1), ...resumeCursor }))
  .subscription(async ({ ctx, input, signal }) => {
    const { streamId } = await sessions.openSessionStream(ctx.services, ctx.principal, { id: input.id });
    return followTracked(ctx.services, streamId, { fromSeq: firstUnseenSeq(input.lastEventId), signal, openedBy: ctx.principal, shape: toStoredEventDto });
  });
