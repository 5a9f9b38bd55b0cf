/** Sessions for the dashboard and SDK. */
import { z } from 'zod';
import { readEvents } from '@/server/core/events/read-events';
import { sessionStream } from '@/server/core/events/streams';
import { cancelTurn } from '@/server/core/sessions/cancel-turn';
import { createSession } from '@/server/core/sessions/create-session';
import { findSessionRow, getSession, listSessions } from '@/server/core/sessions/get-session';
import { postMessage } from '@/server/core/sessions/post-message';
import { retryTurn } from '@/server/core/sessions/retry-turn';
import { badRequest } from '@/server/core/shared/errors';
import { router, scopedProcedure } from '@/server/api/trpc';
import { policyFromProfile } from '@/server/core/work/policy';
import { eventOutput, sessionDetailOutput, sessionOutput, toEventOutput } from '../work-outputs';

export const sessionsRouter = router({
  list: scopedProcedure('sessions:read')
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0) }).default({ limit: 50, offset: 0 }))
    .output(z.object({ sessions: z.array(sessionOutput), total: z.number() }))
    .query(({ ctx, input }) => listSessions(ctx.services.db, input)),
  get: scopedProcedure('sessions:read')
    .input(z.object({ id: z.string() }))
    .output(sessionDetailOutput)
    .query(({ ctx, input }) => getSession(ctx.services.db, input.id)),
  events: scopedProcedure('sessions:read')
    .input(z.object({ id: z.string(), fromSeq: z.number().int().min(1).default(1) }))
    .output(z.array(eventOutput))
    .query(async ({ ctx, input }) => {
      await findSessionRow(ctx.services.db, input.id);
      return (await readEvents(ctx.services.db, sessionStream(input.id), input.fromSeq, 1000)).map(toEventOutput);
    }),
  create: scopedProcedure('sessions:write')
    .input(z.object({ workspacePath: z.string().min(1), systemPrompt: z.string().optional(), model: z.string().optional(), profile: z.string().optional(), title: z.string().optional() }))
    .output(sessionDetailOutput)
    .mutation(({ ctx, input }) => {
      const policy = policyFromProfile(input.profile);
      if (input.profile && !policy) throw badRequest('unknown profile', 'profile');
      return createSession(ctx.services, ctx.principal, { ...input, policy, origin: 'dashboard' });
    }),
  send: scopedProcedure('sessions:write')
    .input(z.object({ id: z.string(), text: z.string().min(1) }))
    .output(z.object({ messageId: z.string(), turnId: z.string().nullable() }))
    .mutation(({ ctx, input }) => postMessage(ctx.services, ctx.principal, input.id, { role: 'user', parts: [{ type: 'text', text: input.text }] })),
  cancel: scopedProcedure('sessions:write')
    .input(z.object({ id: z.string() }))
    .output(z.object({ turnId: z.string() }))
    .mutation(({ ctx, input }) => cancelTurn(ctx.services, input.id)),
  retry: scopedProcedure('sessions:write')
    .input(z.object({ id: z.string(), turnId: z.string() }))
    .output(z.object({ turnId: z.string() }))
    .mutation(({ ctx, input }) => retryTurn(ctx.services, input.id, input.turnId)),
});
