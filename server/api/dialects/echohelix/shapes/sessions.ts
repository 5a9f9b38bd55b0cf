/**
 * EchoHelix's interactive sessions on the wire: the session record, turn input in Codex's item
 * form, and the session's events renamed after Codex's app-server protocol (`turn/started`,
 * `item/agentMessage/delta`, …), which is what EchoHelix clients were written against.
 */
import { z } from 'zod';
import type { StoredEvent } from '@/server/core/events/streams';
import type { messagePartSchema, SessionDetailDto, SessionDto } from '@/server/core/sessions';
import { badRequest } from '@/server/core/shared/errors';
import { isClosedSession, isFailed, type SessionStatus, type TurnStatus } from '@/server/core/work/status';
import { backendOfProvider } from './backends';

type MessagePart = z.infer<typeof messagePartSchema>;

// ---- the session record ---------------------------------------------------------------------

export const ECHOHELIX_SESSION_STATUSES = ['starting', 'ready', 'closed', 'failed'] as const;
type EchohelixSessionStatus = (typeof ECHOHELIX_SESSION_STATUSES)[number];

/**
 * A canonical session is `failed` when its last turn failed, yet it still takes turns: for
 * EchoHelix that is a `ready` session (its `error` says what went wrong); EchoHelix's `failed`
 * means the backend itself is gone, which a Codex driver reports through `metadata.backend_state`.
 */
const SESSION_STATUS: Record<SessionStatus, EchohelixSessionStatus> = {
  idle: 'ready',
  running: 'ready',
  waiting_approval: 'ready',
  failed: 'ready',
  closed: 'closed',
};

const isEchohelixStatus = (value: unknown): value is EchohelixSessionStatus => (ECHOHELIX_SESSION_STATUSES as readonly unknown[]).includes(value);

export const echohelixSession = z.object({
  session_id: z.string(),
  backend: z.string(),
  workspace_id: z.string().nullable(),
  workspace_path: z.string(),
  thread_id: z.string(),
  status: z.enum(ECHOHELIX_SESSION_STATUSES),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type EchohelixSession = z.infer<typeof echohelixSession>;

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The backend's thread: the id a Codex driver recorded in `metadata.thread_id` once its
 * app-server started the thread (or the one the client asked to resume), else the session's id.
 */
export const threadIdOf = (s: Pick<SessionDto, 'id' | 'metadata'>): string => textOf(s.metadata.thread_id) ?? s.id;

export const backendOf = (s: Pick<SessionDto, 'model'>): string => backendOfProvider(s.model);

export function toEchohelixSession(s: SessionDto): EchohelixSession {
  const backendState = s.metadata.backend_state;
  return {
    session_id: s.id,
    backend: backendOf(s),
    workspace_id: textOf(s.metadata.workspace_id) ?? null,
    workspace_path: s.workspace_path,
    thread_id: threadIdOf(s),
    // A live backend's own state wins while the session is open; closed is closed.
    status: isClosedSession(s.status) || !isEchohelixStatus(backendState) ? SESSION_STATUS[s.status] : backendState,
    error: s.error ?? textOf(s.metadata.backend_error) ?? null,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

// ---- requests -------------------------------------------------------------------------------

export const sessionSettings = {
  model: z.string().min(1).optional(),
  approval_policy: z.string().optional(),
  sandbox: z.string().optional(),
};

export const createSessionInput = z.object({
  workspace_path: z.string().min(1),
  workspace_id: z.string().optional(),
  backend: z.string().min(1).default('codex'),
  thread_id: z.string().min(1).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  ...sessionSettings,
});

/** Codex's turn input items (`{type: "text", text}`, `{type: "localImage", path}`, …), as sent. */
export const codexInput = z.array(z.record(z.string(), z.unknown()));

export const turnInput = z.object({
  prompt: z.string().optional(),
  input: codexInput.optional(),
  output_schema: z.record(z.string(), z.unknown()).optional(),
  expected_turn_id: z.string().min(1).optional(),
  steer: z.boolean().optional(),
  ...sessionSettings,
});
export type TurnInput = z.infer<typeof turnInput>;

export const startTurnResponse = z.object({ session_id: z.string(), thread_id: z.string(), turn_id: z.string(), status: z.string() });

/**
 * The message parts of a turn's input: `prompt`, then the `input` items (text, and images inside
 * the workspace as `localImage`). Neither → 400 naming `prompt`; an item of another kind → 400
 * naming it.
 */
export function partsOfTurnInput(input: { prompt?: string; input?: Array<Record<string, unknown>> }, fields = { prompt: 'prompt', input: 'input' }): MessagePart[] {
  const parts: MessagePart[] = [];
  if (textOf(input.prompt)) parts.push({ type: 'text', text: input.prompt });
  for (const [i, item] of (input.input ?? []).entries()) {
    if (item.type === 'text' && textOf(item.text)) parts.push({ type: 'text', text: item.text as string });
    else if (item.type === 'localImage' && textOf(item.path)) parts.push({ type: 'image', ref: item.path as string });
    else throw badRequest('must be {type: "text", text} or {type: "localImage", path}', `${fields.input}.${i}`);
  }
  if (!parts.length) throw badRequest(`is required unless ${fields.input} is given`, fields.prompt);
  return parts;
}

/** Steering input is text: the text items of the input, after the prompt. */
export function textOfTurnInput(input: { prompt?: string; input?: Array<Record<string, unknown>> }, fields?: { prompt: string; input: string }): string {
  return partsOfTurnInput(input, fields)
    .map((p) => p.text)
    .filter((t): t is string => t !== undefined)
    .join('\n');
}

// ---- Codex's vocabulary ---------------------------------------------------------------------

/** Codex has no queued and no canceled turn: active work is `inProgress`, a stopped turn `interrupted`. */
export const CODEX_TURN_STATUS: Record<TurnStatus, 'inProgress' | 'completed' | 'failed' | 'interrupted'> = {
  pending: 'inProgress',
  running: 'inProgress',
  waiting_approval: 'inProgress',
  succeeded: 'completed',
  failed: 'failed',
  canceled: 'interrupted',
  interrupted: 'interrupted',
};

const ENDED_TURN_EVENTS: Record<string, TurnStatus> = {
  turn_completed: 'succeeded',
  turn_failed: 'failed',
  turn_canceled: 'canceled',
  turn_interrupted: 'interrupted',
};

/** A thread as Codex's `thread/read` answers it: its turns with their items (the conversation). */
export function toCodexThread(s: SessionDetailDto) {
  return {
    id: threadIdOf(s),
    cwd: s.workspace_path,
    model: s.model,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
    turns: s.turns.map((t) => ({
      id: t.id,
      status: CODEX_TURN_STATUS[t.status],
      error: t.error ? { message: t.error } : null,
      items: s.messages
        .filter((m) => m.turn_id === t.id)
        .flatMap((m): Array<Record<string, unknown>> => {
          const text = m.parts.map((p) => p.text ?? '').join('');
          if (m.role === 'user') return [{ type: 'userMessage', id: m.id, content: m.parts.filter((p) => p.type === 'text').map((p) => ({ type: 'text', text: p.text })) }];
          if (m.role === 'assistant' && text) return [{ type: 'agentMessage', id: m.id, text }];
          return [];
        }),
    })),
  };
}

// ---- events ---------------------------------------------------------------------------------

export interface SessionEventMessage {
  session_id: string;
  seq: number;
  ts: string;
  type: 'notification' | 'request';
  method: string;
  payload: Record<string, unknown>;
  /** Server requests only: the id a client answers with (`POST …/requests/{request_id}` or `…/approvals/{request_id}`). */
  request_id?: string;
}

type Data = Record<string, unknown>;
interface Ctx {
  sessionId: string;
  threadId: string;
}
type Mapped = Pick<SessionEventMessage, 'type' | 'method' | 'payload' | 'request_id'>;

const notification = (method: string, payload: Data): Mapped => ({ type: 'notification', method, payload });
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A tool call as a Codex item: a shell command is a `commandExecution`, any other tool an `mcpToolCall` of Switchboard's. */
function toolItem(d: Data, status: string, done?: { output: unknown }): Data {
  const id = str(d.tool_call_id) ?? str(d.step_id);
  if (d.tool_name === 'bash') {
    const command = str((d.input as Data | undefined)?.command) ?? str(d.command);
    return { type: 'commandExecution', id, ...(command !== undefined ? { command } : {}), status, ...(done ? { aggregatedOutput: done.output ?? null } : {}) };
  }
  return { type: 'mcpToolCall', id, server: 'switchboard', tool: d.tool_name, status, ...(d.input !== undefined ? { arguments: d.input } : {}), ...(done ? { result: done.output ?? null } : {}) };
}

/** The Codex server request an approval stands for, by the tool's category. */
const APPROVAL_METHOD: Record<string, string> = {
  bash: 'item/commandExecution/requestApproval',
  write: 'item/fileChange/requestApproval',
};

const MAPPERS: Record<string, (d: Data, ctx: Ctx & { turnId?: string }) => Mapped | null> = {
  session_created: (_d, { threadId }) => notification('thread/started', { thread: { id: threadId } }),
  session_closed: (_d, { threadId }) => notification('thread/closed', { threadId }),
  turn_started: (_d, { threadId, turnId }) => notification('turn/started', { threadId, turn: { id: turnId, status: 'inProgress', items: [] } }),
  step_started: (d, { threadId, turnId }) =>
    d.type === 'model_call' ? notification('item/started', { threadId, turnId, item: { type: 'agentMessage', id: d.step_id, text: '' } }) : null,
  model_output_delta: (d, { threadId, turnId }) => notification('item/agentMessage/delta', { threadId, turnId, itemId: d.step_id, delta: d.text }),
  model_output_completed: (d, { threadId, turnId }) => notification('item/completed', { threadId, turnId, item: { type: 'agentMessage', id: d.step_id, text: d.text ?? '' } }),
  model_output_failed: (d, { threadId, turnId }) => notification('error', { threadId, turnId, error: { message: d.message } }),
  tool_call_started: (d, { threadId, turnId }) => notification('item/started', { threadId, turnId, item: toolItem(d, 'inProgress') }),
  tool_call_completed: (d, { threadId, turnId }) =>
    notification('item/completed', { threadId, turnId, item: toolItem(d, d.denied ? 'declined' : d.is_error ? 'failed' : 'completed', { output: d.output }) }),
  usage_recorded: (d, { threadId, turnId }) => {
    const input = Number(d.input_tokens ?? 0);
    const output = Number(d.output_tokens ?? 0);
    return notification('thread/tokenUsage/updated', { threadId, turnId, tokenUsage: { last: { inputTokens: input, outputTokens: output, totalTokens: input + output } } });
  },
  approval_requested: (d, { threadId, turnId }) => {
    const requestId = str(d.approval_id)!;
    const command = str((d.input as Data | undefined)?.command) ?? str(d.command);
    return {
      type: 'request',
      method: APPROVAL_METHOD[str(d.category) ?? ''] ?? 'item/tool/requestApproval',
      request_id: requestId,
      payload: { request_id: requestId, threadId, turnId, itemId: d.tool_call_id, reason: d.message, ...(command !== undefined ? { command } : {}), tool: d.tool_name, input: d.input },
    };
  },
  approval_granted: (d, { threadId }) => notification('serverRequest/resolved', { threadId, requestId: d.approval_id, request_id: d.approval_id, decision: 'accept' }),
  approval_denied: (d, { threadId }) => notification('serverRequest/resolved', { threadId, requestId: d.approval_id, request_id: d.approval_id, decision: 'decline' }),
  // What a live Codex app-server sent, recorded by its driver: passed through as it came.
  backend_notification: (d) => notification(str(d.method) ?? 'unknown', (d.params as Data | undefined) ?? {}),
  server_request: (d) => {
    const requestId = str(d.request_id)!;
    return { type: 'request', method: str(d.method) ?? 'unknown', request_id: requestId, payload: { ...((d.params as Data | undefined) ?? {}), request_id: requestId, kind: d.kind } };
  },
  server_request_resolved: (d, { threadId }) => notification('serverRequest/resolved', { threadId, requestId: d.request_id, request_id: d.request_id }),
};

function mapEvent(e: StoredEvent, ctx: Ctx): Mapped | null {
  const d = (e.data ?? {}) as Data;
  const turnId = str(d.turn_id);
  const ended = ENDED_TURN_EVENTS[e.type];
  if (ended) {
    const status = CODEX_TURN_STATUS[ended];
    const error = isFailed(ended) ? { message: str(d.message) ?? 'failed' } : null;
    return notification('turn/completed', { threadId: ctx.threadId, turn: { id: turnId, status, items: [], error } });
  }
  return MAPPERS[e.type]?.(d, { ...ctx, turnId }) ?? null;
}

/**
 * One session event as EchoHelix sends it, or null for a canonical event Codex has no name for
 * (queued turns, user messages, steering marks): those seqs are skipped, so a client's `from_seq`
 * cursor still counts canonical seqs and resumes exactly.
 */
export function toSessionEventMessage(e: StoredEvent, ctx: Ctx): SessionEventMessage | null {
  const mapped = mapEvent(e, ctx);
  if (!mapped) return null;
  return { session_id: ctx.sessionId, seq: e.seq, ts: e.createdAt.toISOString(), ...mapped };
}
