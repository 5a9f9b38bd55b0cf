/** agentd's wire shapes, mapped from the canonical DTOs (whose field schemas they reuse). */
import { z } from 'zod';
import type { StoredEvent } from '@/server/core/events/streams';
import { modelDtoSchema, type ModelDto } from '@/server/core/models';
import { runDtoSchema, stepDtoSchema, type RunDto } from '@/server/core/runs';
import { messageDtoSchema, messagePartSchema, sessionDtoSchema, turnDtoSchema, type MessageDto, type SessionDetailDto, type SessionDto, type TurnDto } from '@/server/core/sessions';
import { isUnsuccessfulTurn, type SessionStatus, type TurnStatus } from '@/server/core/work/status';

const STEP_FIELDS = { id: true, title: true, type: true, needs_approval: true, command: true, status: true, started_at: true, completed_at: true } as const;
export const agentdStep = stepDtoSchema.pick(STEP_FIELDS);

const RUN_FIELDS = { id: true, created_at: true, updated_at: true, status: true, workspace_path: true, spec_path: true, error: true } as const;
export const agentdRun = runDtoSchema.pick(RUN_FIELDS).extend({ model_canonical: runDtoSchema.shape.model, steps: z.array(agentdStep) });

/** Only the fields a schema lists (the DTOs carry more than agentd documents, and exports are not validated). */
function pickFields<T extends object, K extends keyof T>(value: T, fields: Record<K, true>): Pick<T, K> {
  return Object.fromEntries((Object.keys(fields) as K[]).map((k) => [k, value[k]])) as Pick<T, K>;
}

export function toAgentdRun(run: RunDto): z.infer<typeof agentdRun> {
  return { ...pickFields(run, RUN_FIELDS), model_canonical: run.model, steps: run.steps.map((s) => pickFields(s, STEP_FIELDS)) };
}

/** agentd's message parts: the canonical ones without the tool-result error flag. */
export const agentdPart = messagePartSchema.omit({ is_error: true });

const message = messageDtoSchema.shape;
export const agentdMessage = z.object({ id: message.id, role: message.role, parts: z.array(agentdPart), created_at: message.created_at });

const AGENTD_TURN_STATUSES = ['pending', 'running', 'waiting_approval', 'succeeded', 'failed'] as const;
type AgentdTurnStatus = (typeof AGENTD_TURN_STATUSES)[number];

const turn = turnDtoSchema.shape;
export const agentdTurn = z.object({ id: turn.id, status: z.enum(AGENTD_TURN_STATUSES), started_at: turn.started_at, completed_at: turn.completed_at, error: turn.error });

const AGENTD_SESSION_STATUSES = ['active', 'waiting_approval', 'completed', 'failed', 'canceled'] as const;
type AgentdSessionStatus = (typeof AGENTD_SESSION_STATUSES)[number];

const session = sessionDtoSchema.shape;
export const agentdSession = z.object({
  id: session.id,
  created_at: session.created_at,
  updated_at: session.updated_at,
  status: z.enum(AGENTD_SESSION_STATUSES),
  mode: session.mode,
  workspace_path: session.workspace_path,
  system_prompt: session.system_prompt,
  spec_path: session.spec_path,
  last_turn_id: session.last_turn_id,
  model_canonical: session.model,
  messages: z.array(agentdMessage),
  turns: z.array(agentdTurn),
  error: session.error,
});

/** agentd knows no canceled turn: a canceled or interrupted turn is a failed one (its error says why). */
const AGENTD_TURN_STATUS: Record<TurnStatus, AgentdTurnStatus> = {
  pending: 'pending',
  running: 'running',
  waiting_approval: 'waiting_approval',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'failed',
  interrupted: 'failed',
};

function toAgentdTurn(t: TurnDto): z.infer<typeof agentdTurn> {
  return { id: t.id, status: AGENTD_TURN_STATUS[t.status], started_at: t.started_at, completed_at: t.completed_at, error: t.error ?? (isUnsuccessfulTurn(t.status) ? t.status : null) };
}

function toAgentdMessage(m: MessageDto): z.infer<typeof agentdMessage> {
  return { id: m.id, role: m.role === 'tool_result' ? 'tool' : m.role, parts: m.parts, created_at: m.created_at };
}

/** An idle session is `completed` once a turn has finished, `active` before its first. */
const AGENTD_SESSION_STATUS: Record<SessionStatus, AgentdSessionStatus | ((s: Pick<SessionDto, 'last_turn_id'>) => AgentdSessionStatus)> = {
  running: 'active',
  waiting_approval: 'waiting_approval',
  failed: 'failed',
  closed: 'canceled',
  idle: (s) => (s.last_turn_id ? 'completed' : 'active'),
};

export function agentdSessionStatus(s: Pick<SessionDto, 'status' | 'last_turn_id'>): AgentdSessionStatus {
  const mapped = AGENTD_SESSION_STATUS[s.status];
  return typeof mapped === 'function' ? mapped(s) : mapped;
}

export function toAgentdSession(s: SessionDetailDto): z.infer<typeof agentdSession> {
  return {
    id: s.id,
    created_at: s.created_at,
    updated_at: s.updated_at,
    status: agentdSessionStatus(s),
    mode: s.mode,
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

export const agentdModel = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  display_name: z.string(),
  capabilities: modelDtoSchema.shape.capabilities,
  pricing: z.object({ input_per_mtok: z.number(), output_per_mtok: z.number() }),
  is_default: z.boolean(),
});

export function toAgentdModel(m: ModelDto): z.infer<typeof agentdModel> {
  return {
    id: m.ref,
    provider: m.provider,
    model: m.model,
    display_name: m.displayName,
    capabilities: m.capabilities,
    pricing: { input_per_mtok: m.pricing.inputPerMTok, output_per_mtok: m.pricing.outputPerMTok },
    is_default: m.isDefault,
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
