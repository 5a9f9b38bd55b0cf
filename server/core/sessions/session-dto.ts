/** The canonical session, its messages and turns: what every session shape starts from. */
import { z } from 'zod';
import { SESSION_MODES, type agentSession, type message, type MessagePart, type turn } from '@/db/schema';
import { iso, isoTime, permissionPolicySchema } from '@/server/core/work/dto';
import { SESSION_STATUSES, TURN_STATUSES } from '@/server/core/work/status';

export const messagePartSchema = z.object({
  type: z.enum(['text', 'image', 'tool_use', 'tool_result']),
  text: z.string().optional(),
  ref: z.string().optional(),
  mime_type: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_name: z.string().optional(),
  tool_input: z.unknown().optional(),
  is_error: z.boolean().optional(),
}) satisfies z.ZodType<MessagePart>;

export const messageDtoSchema = z.object({
  id: z.string(),
  role: z.string(),
  sequence: z.number(),
  turn_id: z.string().nullable(),
  parts: z.array(messagePartSchema),
  created_at: isoTime,
});
export type MessageDto = z.infer<typeof messageDtoSchema>;

export const turnDtoSchema = z.object({
  id: z.string(),
  index: z.number(),
  status: z.enum(TURN_STATUSES),
  error: z.string().nullable(),
  retry_of: z.string().nullable(),
  created_at: isoTime,
  started_at: isoTime.nullable(),
  completed_at: isoTime.nullable(),
});
export type TurnDto = z.infer<typeof turnDtoSchema>;

export const sessionDtoSchema = z.object({
  id: z.string(),
  status: z.enum(SESSION_STATUSES),
  mode: z.enum(SESSION_MODES),
  workspace_path: z.string(),
  system_prompt: z.string().nullable(),
  spec_path: z.string().nullable(),
  model: z.string(),
  title: z.string().nullable(),
  origin: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  policy: permissionPolicySchema,
  parent_id: z.string().nullable(),
  last_turn_id: z.string().nullable(),
  error: z.string().nullable(),
  created_by: z.string(),
  created_at: isoTime,
  updated_at: isoTime,
  closed_at: isoTime.nullable(),
});
export type SessionDto = z.infer<typeof sessionDtoSchema>;

export const sessionDetailDtoSchema = sessionDtoSchema.extend({ messages: z.array(messageDtoSchema), turns: z.array(turnDtoSchema) });
export type SessionDetailDto = z.infer<typeof sessionDetailDtoSchema>;

export const sessionPageSchema = z.object({ sessions: z.array(sessionDtoSchema), total: z.number() });
export type SessionPage = z.infer<typeof sessionPageSchema>;

export const sessionDetailPageSchema = z.object({ sessions: z.array(sessionDetailDtoSchema), total: z.number() });
export type SessionDetailPage = z.infer<typeof sessionDetailPageSchema>;

export const postMessageResultSchema = z.object({ messageId: z.string(), turnId: z.string().nullable() });
export const turnRefSchema = z.object({ turnId: z.string() });

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

export function toSessionDetailDto(
  s: typeof agentSession.$inferSelect,
  messages: Array<typeof message.$inferSelect>,
  turns: Array<typeof turn.$inferSelect>,
): SessionDetailDto {
  return { ...toSessionDto(s), messages: messages.map(toMessageDto), turns: turns.map(toTurnDto) };
}
