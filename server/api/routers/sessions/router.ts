/** Sessions for the dashboard and SDK: the canonical shapes of server/core/sessions. */
import { z } from 'zod';
import { storedEventDtoSchema } from '@/server/core/events/event-dto';
import * as sessions from '@/server/core/sessions';
import { SESSION_STATUSES } from '@/server/core/work/status';
import { router, scopedProcedure } from '@/server/api/trpc';
import { listFiltersInput } from '../shared/list-filters';

const listFilters = listFiltersInput(SESSION_STATUSES);
const byId = z.object({ id: z.string() });

export const sessionsRouter = router({
  list: scopedProcedure('sessions:read')
    .input(listFilters)
    .output(sessions.sessionListPageSchema)
    .query(({ ctx, input }) => sessions.listSessions(ctx.services, ctx.principal, input)),
  get: scopedProcedure('sessions:read')
    .input(byId)
    .output(sessions.sessionDetailDtoSchema)
    .query(({ ctx, input }) => sessions.getSession(ctx.services, ctx.principal, input)),
  events: scopedProcedure('sessions:read')
    .input(byId.extend({ fromSeq: z.number().int().min(1).default(1) }))
    .output(z.array(storedEventDtoSchema))
    .query(({ ctx, input }) => sessions.readSessionEvents(ctx.services, ctx.principal, input)),
  create: scopedProcedure('sessions:write')
    .input(z.object({ workspacePath: z.string().min(1), systemPrompt: z.string().optional(), model: z.string().optional(), profile: z.string().optional(), title: z.string().optional() }))
    .output(sessions.sessionDetailDtoSchema)
    .mutation(({ ctx, input }) => sessions.createSession(ctx.services, ctx.principal, { ...input, origin: 'dashboard' })),
  send: scopedProcedure('sessions:write')
    .input(byId.extend({ text: z.string().min(1) }))
    .output(sessions.postMessageResultSchema)
    .mutation(({ ctx, input }) => sessions.postMessage(ctx.services, ctx.principal, { sessionId: input.id, role: 'user', parts: [{ type: 'text', text: input.text }] })),
  cancel: scopedProcedure('sessions:write')
    .input(byId)
    .output(sessions.turnRefSchema)
    .mutation(({ ctx, input }) => sessions.cancelTurn(ctx.services, ctx.principal, { sessionId: input.id })),
  retry: scopedProcedure('sessions:write')
    .input(byId.extend({ turnId: z.string() }))
    .output(sessions.turnRefSchema)
    .mutation(({ ctx, input }) => sessions.retryTurn(ctx.services, ctx.principal, { sessionId: input.id, turnId: input.turnId })),
});
