/** agentd's wire shapes, mapped from the canonical DTOs. */
import { z } from 'zod';
import type { StoredEvent } from '@/server/core/events/streams';
import type { RunDto } from '@/server/core/runs/run-dto';
import type { MessageDto, SessionDetailDto, SessionDto, TurnDto } from '@/server/core/sessions/session-dto';

export const agentdStep = z.object({
  id: z.string(),
  title: z.string(),
  type: z.string(),
  needs_approval: z.boolean(),
  command: z.string().nullable(),
  status: z.enum(['pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'skipped']),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
});

export const agentdRun = z.object({
  id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  status: z.enum(['queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'canceled']),
  workspace_path: z.string(),
  spec_path: z.string().nullable(),
  model_canonical: z.string(),
  steps: z.array(agentdStep),
  error: z.string().nullable(),
});

export function toAgentdRun(run: RunDto): z.infer<typeof agentdRun> {
  return {
    id: run.id,
    created_at: run.created_at,
    updated_at: run.updated_at,
    status: run.status as z.infer<typeof agentdRun>['status'],
    workspace_path: run.workspace_path,
    spec_path: run.spec_path,
    model_canonical: run.model,
    steps: run.steps.map((s) => ({
      id: s.id,
      title: s.title,
      type: s.type,
      needs_approval: s.needs_approval,
      command: s.command,
      status: s.status as z.infer<typeof agentdStep>['status'],
      started_at: s.started_at,
      completed_at: s.completed_at,
    })),
    error: run.error,
  };
}

export const agentdPart = z.object({
  type: z.enum(['text', 'image', 'tool_use', 'tool_result']),
  text: z.string().optional(),
  ref: z.string().optional(),
  mime_type: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_name: z.string().optional(),
  tool_input: z.unknown().optional(),
});

export const agentdMessage = z.object({ id: z.string(), role: z.string(), parts: z.array(agentdPart), created_at: z.string() });

export const agentdTurn = z.object({
  id: z.string(),
  status: z.enum(['pending', 'running', 'waiting_approval', 'succeeded', 'failed']),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  error: z.string().nullable(),
});

export const agentdSession = z.object({
  id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  status: z.enum(['active', 'waiting_approval', 'completed', 'failed', 'canceled']),
  mode: z.enum(['chat', 'spec']),
  workspace_path: z.string(),
  system_prompt: z.string().nullable(),
  spec_path: z.string().nullable(),
  last_turn_id: z.string().nullable(),
  model_canonical: z.string(),
  messages: z.array(agentdMessage),
  turns: z.array(agentdTurn),
  error: z.string().nullable(),
});

function toAgentdTurn(t: TurnDto): z.infer<typeof agentdTurn> {
  // agentd knows no canceled turn: a canceled or interrupted turn is a failed one, and says why.
  const status = t.status === 'canceled' || t.status === 'interrupted' ? 'failed' : (t.status as z.infer<typeof agentdTurn>['status']);
  return { id: t.id, status, started_at: t.started_at, completed_at: t.completed_at, error: t.error ?? (status === 'failed' ? t.status : null) };
}

function toAgentdMessage(m: MessageDto): z.infer<typeof agentdMessage> {
  return { id: m.id, role: m.role === 'tool_result' ? 'tool' : m.role, parts: m.parts, created_at: m.created_at };
}

export function agentdSessionStatus(s: Pick<SessionDto, 'status' | 'last_turn_id'>): z.infer<typeof agentdSession>['status'] {
  switch (s.status) {
    case 'running':
      return 'active';
    case 'waiting_approval':
      return 'waiting_approval';
    case 'failed':
      return 'failed';
    case 'closed':
      return 'canceled';
    default:
      return s.last_turn_id ? 'completed' : 'active';
  }
}

export function toAgentdSession(s: SessionDetailDto): z.infer<typeof agentdSession> {
  return {
    id: s.id,
    created_at: s.created_at,
    updated_at: s.updated_at,
    status: agentdSessionStatus(s),
    mode: s.mode as 'chat' | 'spec',
    workspace_path: s.workspace_path,
    system_prompt: s.system_prompt,
    spec_path: s.spec_path,
    last_turn_id: s.last_turn_id,
    model_canonical: s.model,
    messages: s.messages.map(toAgentdMessage),
    turns: s.turns.map(toAgentdTurn),
    error: s.error,
  };
}

function splitMessage(data: Record<string, unknown>): { message?: string; data?: Record<string, unknown> } {
  const { message, ...rest } = data;
  return { ...(typeof message === 'string' ? { message } : {}), ...(Object.keys(rest).length ? { data: rest } : {}) };
}

/** `{ts, run_id, type, message?, data?}`: the shape of agentd's run events (SSE and export). */
export function toAgentdRunEvent(runId: string, e: StoredEvent) {
  return { ts: e.createdAt.toISOString(), run_id: runId, type: e.type, seq: e.seq, ...splitMessage(e.data) };
}

/** `{ts, session_id, turn_id?, type, message?, data?}`. */
export function toAgentdSessionEvent(sessionId: string, e: StoredEvent) {
  const { turn_id, ...rest } = e.data as Record<string, unknown> & { turn_id?: string };
  return { ts: e.createdAt.toISOString(), session_id: sessionId, ...(turn_id ? { turn_id } : {}), type: e.type, seq: e.seq, ...splitMessage(rest) };
}
