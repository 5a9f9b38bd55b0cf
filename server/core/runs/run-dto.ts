import type { run, step } from '@/db/schema';

export interface StepDto {
  id: string;
  index: number;
  title: string;
  type: string;
  status: string;
  needs_approval: boolean;
  tool_name: string | null;
  tool_call_id: string | null;
  command: string | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface RunDto {
  id: string;
  status: string;
  workspace_path: string;
  spec_path: string | null;
  prompt: string;
  model: string;
  origin: string;
  policy: (typeof run.$inferSelect)['policy'];
  metadata: Record<string, unknown>;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
  steps: StepDto[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

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
    steps: steps.filter((s) => s.kind !== 'input').map(toStepDto),
  };
}
