/** agentd chat (and spec) sessions: create, list, read, follow, post messages, mode, approvals, cancel, retry, attachments. */
import { z } from 'zod';
import * as approvals from '@/server/core/approvals';
import * as sessions from '@/server/core/sessions';
import { resolveCursor, sseStream } from '@/server/stream/sse';
import { endpoint } from '../endpoint';
import { idParam, OK, ok, pagination, streamQuery } from '../schemas';
import { agentdPart, agentdSession, toAgentdSession, toAgentdSessionEvent } from './shapes';

const sessionId = idParam('session_id');

export const createSession = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/sessions',
  scope: 'sessions:write',
  summary: 'Create a chat (or spec) session',
  input: z.object({
    workspace_path: z.string().min(1),
    system_prompt: z.string().optional(),
    auto_run: z.boolean().optional(),
    mode: z.enum(['chat', 'spec']).optional(),
    spec_path: z.string().min(1).optional(),
    model: z.string().optional(),
  }),
  output: z.object({ session_id: z.string(), spec_path: z.string().optional() }),
  handler: async ({ deps, principal, input }) => {
    const s = await sessions.createSession(deps, principal, {
      workspacePath: input.workspace_path,
      systemPrompt: input.system_prompt,
      autoRun: input.auto_run,
      mode: input.mode,
      specPath: input.spec_path,
      model: input.model,
      origin: 'agentd',
    });
    return { session_id: s.id, ...(s.spec_path ? { spec_path: s.spec_path } : {}) };
  },
});

export const listSessions = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/sessions',
  scope: 'sessions:read',
  summary: 'Sessions, most recent first',
  input: pagination().optional(),
  output: z.array(agentdSession),
  handler: async ({ deps, principal, input }) =>
    (await sessions.listSessionDetails(deps, principal, { limit: input?.limit ?? 100, offset: input?.offset })).sessions.map(toAgentdSession),
});

export const getSession = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/sessions/{session_id}',
  scope: 'sessions:read',
  summary: 'A session with its messages and turns',
  input: sessionId,
  output: agentdSession,
  handler: async ({ deps, principal, input }) => toAgentdSession(await sessions.getSession(deps, principal, { id: input.session_id })),
});

export const postMessage = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/sessions/{session_id}/messages',
  scope: 'sessions:write',
  summary: 'Append a message; a user message starts a turn unless auto_run is false',
  input: sessionId.extend({ role: z.enum(['user', 'system']), parts: z.array(agentdPart).min(1), auto_run: z.boolean().optional() }),
  output: z.object({ message_id: z.string(), turn_id: z.string().nullable() }),
  handler: async ({ deps, principal, input }) => {
    const { messageId, turnId } = await sessions.postMessage(deps, principal, { sessionId: input.session_id, role: input.role, parts: input.parts, autoRun: input.auto_run });
    return { message_id: messageId, turn_id: turnId };
  },
});

export const sessionEvents = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/sessions/{session_id}/events',
  scope: 'sessions:read',
  transport: 'sse',
  summary: 'Server-Sent Events of the session (`event: message`, `id: <seq>`); resumes from Last-Event-ID or ?from_seq=',
  input: sessionId.extend(streamQuery.shape),
  handler: async ({ deps, principal, input, headers }) => {
    const { streamId } = await sessions.openSessionStream(deps, principal, { id: input.session_id });
    return sseStream({
      streamId,
      fromSeq: resolveCursor(headers, input.from_seq),
      frame: (e) => ({ event: 'message', data: toAgentdSessionEvent(input.session_id, e) }),
      shape: 'agentd',
    });
  },
});

export const setMode = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/sessions/{session_id}/mode',
  scope: 'sessions:write',
  summary: 'Switch between chat and spec mode',
  input: sessionId.extend({ mode: z.string(), spec_path: z.string().min(1).optional() }),
  output: z.object({ session_id: z.string(), mode: z.enum(['chat', 'spec']), spec_path: z.string().nullable() }),
  handler: async ({ deps, principal, input }) => {
    const result = await sessions.setMode(deps, principal, { sessionId: input.session_id, mode: input.mode, specPath: input.spec_path });
    return { session_id: input.session_id, mode: result.mode, spec_path: result.specPath };
  },
});

export const approveToolCall = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/sessions/{session_id}/approve',
  scope: 'sessions:write',
  summary: 'Approve or deny a gated tool call',
  input: sessionId.extend({
    turn_id: z.string().optional(),
    tool_call_id: z.string().min(1),
    action: z.enum(['approve', 'deny']).optional(),
    reason: z.string().optional(),
  }),
  output: ok,
  handler: async ({ deps, principal, input }) => {
    await approvals.decideApproval(deps, principal, {
      sessionId: input.session_id,
      toolCallId: input.tool_call_id,
      turnId: input.turn_id,
      approve: input.action !== 'deny',
      reason: input.reason,
    });
    return OK;
  },
});

export const cancelTurn = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/sessions/{session_id}/cancel',
  scope: 'sessions:write',
  summary: 'Cancel the active turn',
  input: sessionId,
  output: ok,
  handler: async ({ deps, principal, input }) => {
    await sessions.cancelTurn(deps, principal, { sessionId: input.session_id });
    return OK;
  },
});

export const retryTurn = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/sessions/{session_id}/turns/{turn_id}/retry',
  scope: 'sessions:write',
  summary: 'Retry a failed turn as a new turn',
  input: sessionId.extend({ turn_id: z.string().min(1) }),
  output: ok.extend({ turn_id: z.string() }),
  handler: async ({ deps, principal, input }) => {
    const { turnId } = await sessions.retryTurn(deps, principal, { sessionId: input.session_id, turnId: input.turn_id });
    return { ok: true as const, turn_id: turnId };
  },
});

export const addAttachment = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/sessions/{session_id}/attachments',
  scope: 'sessions:write',
  summary: 'Upload an attachment (multipart field `file`, or JSON with content_base64)',
  input: sessionId.extend({
    file: z.file().optional(),
    name: z.string().optional(),
    mime_type: z.string().optional(),
    content_base64: z.string().optional(),
  }),
  output: z.object({ ref: z.string(), mime_type: z.string() }),
  handler: async ({ deps, principal, input }) => {
    const saved = await sessions.addAttachment(deps, principal, {
      sessionId: input.session_id,
      file: input.file,
      contentBase64: input.content_base64,
      name: input.name,
      mimeType: input.mime_type,
    });
    return { ref: saved.ref, mime_type: saved.mimeType };
  },
});
