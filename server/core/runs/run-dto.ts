/** The canonical run: what the dashboard, the SDK and every dialect's run shape start from. */
import { z } from 'zod';
import type { run, step } from '@/db/schema';
import { iso, isoTime, permissionPolicySchema } from '@/server/core/work/dto';
import { RUN_STATUSES, STEP_STATUSES } from '@/server/core/work/status';

export const stepDtoSchema = z.object({
  id: z.string(),
  index: z.number(),
  title: z.string(),
  type: z.string(),
  status: z.enum(STEP_STATUSES),
  needs_approval: z.boolean(),
  tool_name: z.string().nullable(),
  tool_call_id: z.string().nullable(),
  command: z.string().nullable(),
  started_at: isoTime.nullable(),
  completed_at: isoTime.nullable(),
});
export type StepDto = z.infer<typeof stepDtoSchema>;

export const runDtoSchema = z.object({
  id: z.string(),
  status: z.enum(RUN_STATUSES),
  workspace_path: z.string(),
  spec_path: z.string().nullable(),
  prompt: z.string(),
  model: z.string(),
  origin: z.string(),
  policy: permissionPolicySchema,
  metadata: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  created_by: z.string(),
  created_at: isoTime,
  updated_at: isoTime,
  started_at: isoTime.nullable(),
  completed_at: isoTime.nullable(),
  steps: z.array(stepDtoSchema),
});
export type RunDto = z.infer<typeof runDtoSchema>;

export const runPageSchema = z.object({ runs: z.array(runDtoSchema), total: z.number() });
export type RunPage = z.infer<typeof runPageSchema>;

export const cancelRunResultSchema = z.object({ status: z.enum(RUN_STATUSES) });

export function toStepDto(s: typeof step.$inferSelect): StepDto {
  return {
    id: s.id,
    index: s.index,
    title: s.title,
    type: s.kind,
    status: s.status,
    needs_approval: s.needsApproval,
    tool_name: s.toolName,
    tool_call_id: s.toolCallId,
    command: s.command,
    started_at: iso(s.startedAt),
    completed_at: iso(s.completedAt),
  };
}

export function toRunDto(r: typeof run.$inferSelect, steps: Array<typeof step.$inferSelect>): RunDto {
  return {
    id: r.id,
    status: r.status,
    workspace_path: r.workspacePath,
    spec_path: r.specPath,
    prompt: r.prompt,
    model: r.modelRef,
    origin: r.origin,
    policy: r.policy,
    metadata: r.metadata,
    error: r.error,
    created_by: r.createdBy,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    started_at: iso(r.startedAt),
    completed_at: iso(r.completedAt),
    // Steered input is part of the conversation, not a step of the work.
    steps: steps.filter((s) => s.kind !== 'input').map(toStepDto),
  };
}
