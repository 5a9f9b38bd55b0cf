/** Output schemas the canonical routers share (they mirror the core DTOs). */
import { z } from 'zod';
import type { StoredEvent } from '@/server/core/events/streams';

const policy = z.object({
  read: z.enum(['allow', 'ask', 'deny']),
  write: z.enum(['allow', 'ask', 'deny']),
  bash: z.enum(['allow', 'ask', 'deny']),
  profile: z.string().optional(),
  onTimeout: z.enum(['deny', 'approve']).optional(),
  approvalTimeoutMs: z.number().optional(),
});

export const stepOutput = z.object({
  id: z.string(),
  index: z.number(),
  title: z.string(),
  type: z.string(),
  status: z.string(),
  needs_approval: z.boolean(),
  tool_name: z.string().nullable(),
  tool_call_id: z.string().nullable(),
  command: z.string().nullable(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
});

export const runOutput = z.object({
  id: z.string(),
  status: z.string(),
  workspace_path: z.string(),
  spec_path: z.string().nullable(),
  prompt: z.string(),
  model: z.string(),
  origin: z.string(),
  policy,
  metadata: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  steps: z.array(stepOutput),
});

export const sessionOutput = z.object({
  id: z.string(),
  status: z.string(),
  mode: z.string(),
  workspace_path: z.string(),
  system_prompt: z.string().nullable(),
  spec_path: z.string().nullable(),
  model: z.string(),
  title: z.string().nullable(),
  origin: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  policy,
  parent_id: z.string().nullable(),
  last_turn_id: z.string().nullable(),
  error: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
});

export const messageOutput = z.object({
  id: z.string(),
  role: z.string(),
  sequence: z.number(),
  turn_id: z.string().nullable(),
  parts: z.array(
    z.object({
      type: z.enum(['text', 'image', 'tool_use', 'tool_result']),
      text: z.string().optional(),
      ref: z.string().optional(),
      mime_type: z.string().optional(),
      tool_call_id: z.string().optional(),
      tool_name: z.string().optional(),
      tool_input: z.unknown().optional(),
      is_error: z.boolean().optional(),
    }),
  ),
  created_at: z.string(),
});

export const turnOutput = z.object({
  id: z.string(),
  index: z.number(),
  status: z.string(),
  error: z.string().nullable(),
  retry_of: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
});

export const sessionDetailOutput = sessionOutput.extend({ messages: z.array(messageOutput), turns: z.array(turnOutput) });

export const eventOutput = z.object({ seq: z.number(), type: z.string(), data: z.record(z.string(), z.unknown()), created_at: z.string() });

export function toEventOutput(e: StoredEvent): z.infer<typeof eventOutput> {
  return { seq: e.seq, type: e.type, data: e.data, created_at: e.createdAt.toISOString() };
}
