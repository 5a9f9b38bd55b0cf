import { z } from 'zod';
import { decideApproval } from '@/server/core/approvals/decide-approval';
import { sessionStream } from '@/server/core/events/streams';
import { badRequest } from '@/server/core/shared/errors';
import { addAttachment } from '@/server/core/sessions/add-attachment';
import { cancelTurn } from '@/server/core/sessions/cancel-turn';
import { createSession } from '@/server/core/sessions/create-session';
import { findSessionRow, getSession, listSessions } from '@/server/core/sessions/get-session';
import { postMessage } from '@/server/core/sessions/post-message';
import { retryTurn } from '@/server/core/sessions/retry-turn';
import { setMode } from '@/server/core/sessions/set-mode';
import { resolveCursor, sseStream } from '@/server/stream/sse';
import { scopedProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';
import { agentdPart, agentdSession, toAgentdSession, toAgentdSessionEvent } from './shapes';

const ok = z.object({ ok: z.literal(true) });
const sessionId = z.object({ session_id: z.string().min(1) });

export const createSessionProcedure = scopedProcedure('sessions:write')
  .meta(rest('agentd', 'POST', '/v1/sessions', { summary: 'Create a chat (or spec) session' }))
  .input(
    z.object({
      workspace_path: z.string().min(1),
      system_prompt: z.string().optional(),
      auto_run: z.boolean().optional(),
      mode: z.enum(['chat', 'spec']).optional(),
      spec_path: z.string().min(1).optional(),
      model: z.string().optional(),
    }),
  )
  .output(z.object({ session_id: z.string(), spec_path: z.string().optional() }))
  .mutation(async ({ ctx, input }) => {
    const s = await createSession(ctx.services, ctx.principal, {
      workspacePath: input.workspace_path,
      systemPrompt: input.system_prompt,
      autoRun: input.auto_run,
      mode: input.mode,
      specPath: input.spec_path,
      model: input.model,
      origin: 'agentd',
    });
    return { session_id: s.id, ...(s.spec_path ? { spec_path: s.spec_path } : {}) };
  });

export const listSessionsProcedure = scopedProcedure('sessions:read')
  .meta(rest('agentd', 'GET', '/v1/sessions', { summary: 'Sessions, most recent first' }))
  .input(z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), offset: z.coerce.number().int().min(0).optional() }).optional())
  .output(z.array(agentdSession))
  .query(async ({ ctx, input }) => {
    const { sessions } = await listSessions(ctx.services.db, { limit: input?.limit ?? 100, offset: input?.offset });
    return Promise.all(sessions.map(async (s) => toAgentdSession(await getSession(ctx.services.db, s.id))));
  });

export const getSessionProcedure = scopedProcedure('sessions:read')
  .meta(rest('agentd', 'GET', '/v1/sessions/{session_id}', { summary: 'A session with its messages and turns' }))
  .input(sessionId)
  .output(agentdSession)
  .query(async ({ ctx, input }) => toAgentdSession(await getSession(ctx.services.db, input.session_id)));

export const postMessageProcedure = scopedProcedure('sessions:write')
  .meta(rest('agentd', 'POST', '/v1/sessions/{session_id}/messages', { summary: 'Append a message; a user message starts a turn unless auto_run is false' }))
  .input(sessionId.extend({ role: z.enum(['user', 'system']), parts: z.array(agentdPart).min(1), auto_run: z.boolean().optional() }))
  .output(z.object({ message_id: z.string(), turn_id: z.string().nullable() }))
  .mutation(async ({ ctx, input }) => {
    const { messageId, turnId } = await postMessage(ctx.services, ctx.principal, input.session_id, { role: input.role, parts: input.parts, autoRun: input.auto_run });
    return { message_id: messageId, turn_id: turnId };
  });

export const sessionEventsProcedure = scopedProcedure('sessions:read', { stream: true })
  .meta(rest('agentd', 'GET', '/v1/sessions/{session_id}/events', { sse: true, summary: 'Server-Sent Events of the session (`event: message`, `id: <seq>`); resumes from Last-Event-ID or ?from_seq=' }))
  .input(sessionId.extend({ from_seq: z.string().optional(), access_token: z.string().optional(), token: z.string().optional() }))
  .query(async ({ ctx, input }) => {
    await findSessionRow(ctx.services.db, input.session_id);
    return sseStream({
      streamId: sessionStream(input.session_id),
      fromSeq: resolveCursor(ctx.headers, input.from_seq),
      frame: (e) => ({ event: 'message', data: toAgentdSessionEvent(input.session_id, e) }),
      shape: 'agentd',
    });
  });

export const setModeProcedure = scopedProcedure('sessions:write')
  .meta(rest('agentd', 'POST', '/v1/sessions/{session_id}/mode', { summary: 'Switch between chat and spec mode' }))
  .input(sessionId.extend({ mode: z.string(), spec_path: z.string().min(1).optional() }))
  .output(z.object({ session_id: z.string(), mode: z.enum(['chat', 'spec']), spec_path: z.string().nullable() }))
  .mutation(async ({ ctx, input }) => {
    const result = await setMode(ctx.services, input.session_id, input.mode, input.spec_path);
    return { session_id: input.session_id, mode: result.mode, spec_path: result.specPath };
  });

export const approveToolCallProcedure = scopedProcedure('sessions:write')
  .meta(rest('agentd', 'POST', '/v1/sessions/{session_id}/approve', { summary: 'Approve or deny a gated tool call' }))
  .input(sessionId.extend({ turn_id: z.string().optional(), tool_call_id: z.string().min(1), action: z.enum(['approve', 'deny']).optional(), reason: z.string().optional() }))
  .output(ok)
  .mutation(async ({ ctx, input }) => {
    await findSessionRow(ctx.services.db, input.session_id);
    await decideApproval(
      ctx.services,
      ctx.principal,
      { sessionId: input.session_id, toolCallId: input.tool_call_id, turnId: input.turn_id },
      { approve: input.action !== 'deny', reason: input.reason },
    );
    return { ok: true as const };
  });

export const cancelSessionTurnProcedure = scopedProcedure('sessions:write')
  .meta(rest('agentd', 'POST', '/v1/sessions/{session_id}/cancel', { summary: 'Cancel the active turn' }))
  .input(sessionId)
  .output(ok)
  .mutation(async ({ ctx, input }) => {
    await cancelTurn(ctx.services, input.session_id);
    return { ok: true as const };
  });

export const retryTurnProcedure = scopedProcedure('sessions:write')
  .meta(rest('agentd', 'POST', '/v1/sessions/{session_id}/turns/{turn_id}/retry', { summary: 'Retry a failed turn as a new turn' }))
  .input(sessionId.extend({ turn_id: z.string().min(1) }))
  .output(ok.extend({ turn_id: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const { turnId } = await retryTurn(ctx.services, input.session_id, input.turn_id);
    return { ok: true as const, turn_id: turnId };
  });

export const attachmentProcedure = scopedProcedure('sessions:write')
  .meta(rest('agentd', 'POST', '/v1/sessions/{session_id}/attachments', { summary: 'Upload an attachment (multipart field `file`, or JSON with content_base64)' }))
  .input(
    sessionId.extend({
      file: z.file().optional(),
      name: z.string().optional(),
      mime_type: z.string().optional(),
      content_base64: z.string().optional(),
    }),
  )
  .output(z.object({ ref: z.string(), mime_type: z.string() }))
  .mutation(async ({ ctx, input }) => {
    let upload: { name: string; mimeType: string; bytes: Buffer };
    if (input.file) {
      upload = { name: input.name ?? input.file.name, mimeType: input.mime_type ?? input.file.type, bytes: Buffer.from(await input.file.arrayBuffer()) };
    } else if (input.content_base64 !== undefined) {
      if (!/^[A-Za-z0-9+/=\s_-]*$/.test(input.content_base64)) throw badRequest('is not base64', 'content_base64');
      upload = { name: input.name ?? 'attachment', mimeType: input.mime_type ?? 'application/octet-stream', bytes: Buffer.from(input.content_base64, 'base64') };
    } else {
      throw badRequest('send a multipart `file` or JSON `content_base64`', 'file');
    }
    const saved = await addAttachment(ctx.services, input.session_id, upload);
    return { ref: saved.ref, mime_type: saved.mimeType };
  });
