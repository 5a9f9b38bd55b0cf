/** Sessions for the dashboard and SDK: the canonical shapes of server/core/sessions. */
import { z } from 'zod';
import { storedEventDtoSchema } from '@/server/core/events/event-dto';
import * as sessions from '@/server/core/sessions';
import { SESSION_STATUSES } from '@/server/core/work/status';
import { router, scopedProcedure } from '@/server/api/trpc';

const page = { limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0) };
/** What a list can be narrowed to; `owner` narrows within the caller's scope (only the admin sees other owners). */
const listFilters = z
  .object({
    ...page,
    status: z.array(z.enum(SESSION_STATUSES)).max(SESSION_STATUSES.length).optional(),
    workspace: z.string().min(1).max(4096).optional(),
    model: z.string().min(1).max(200).optional(),
    origin: z.string().min(1).max(64).optional(),
    owner: z.string().min(1).max(200).optional(),
    /** Text the title contains. */
    q: z.string().max(200).optional(),
  })
  .default({ limit: 50, offset: 0 });
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
