import { z } from 'zod';
import * as users from '@/server/core/users';
import { authedProcedure } from '@/server/api/trpc';

/**
 * A ticket for `?access_token=` on stream routes (EventSource and WebSocket cannot send headers):
 * valid for a minute, on stream routes only, and only while the caller's credential is.
 */
export const streamTicket = authedProcedure
  .input(z.void())
  .output(users.streamTicketSchema)
  .mutation(({ ctx }) => users.issueStreamTicket(ctx.services, ctx.principal));
