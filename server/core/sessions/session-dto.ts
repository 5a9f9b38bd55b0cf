import type { agentSession, message, MessagePart, turn } from '@/db/schema';

export interface MessageDto {
  id: string;
  role: string;
  sequence: number;
  turn_id: string | null;
  parts: MessagePart[];
  created_at: string;
}

export interface TurnDto {
  id: string;
  index: number;
  status: string;
  error: string | null;
  retry_of: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface SessionDto {
  id: string;
  status: string;
  mode: string;
  workspace_path: string;
  system_prompt: string | null;
  spec_path: string | null;
  model: string;
  title: string | null;
  origin: string;
  metadata: Record<string, unknown>;
  policy: (typeof agentSession.$inferSelect)['policy'];
  parent_id: string | null;
  last_turn_id: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface SessionDetailDto extends SessionDto {
  messages: MessageDto[];
  turns: TurnDto[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toMessageDto(m: typeof message.$inferSelect): MessageDto {
  return { id: m.id, role: m.role, sequence: m.sequence, turn_id: m.turnId, parts: m.parts, created_at: m.createdAt.toISOString() };
}

export function toTurnDto(t: typeof turn.$inferSelect): TurnDto {
  return {
    id: t.id,
    index: t.index,
    status: t.status,
    error: t.error,
    retry_of: t.retryOf,
    created_at: t.createdAt.toISOString(),
    started_at: iso(t.startedAt),
    completed_at: iso(t.completedAt),
  };
}

export function toSessionDto(s: typeof agentSession.$inferSelect): SessionDto {
  return {
    id: s.id,
    status: s.status,
    mode: s.mode,
    workspace_path: s.workspacePath,
    system_prompt: s.systemPrompt,
    spec_path: s.specPath,
    model: s.modelRef,
    title: s.title,
    origin: s.origin,
    metadata: s.metadata,
    policy: s.policy,
    parent_id: s.parentId,
    last_turn_id: s.lastTurnId,
    error: s.error,
    created_by: s.createdBy,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
    closed_at: iso(s.closedAt),
  };
}
