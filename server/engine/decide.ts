/**
 * The executor's transition function: from the stored steps of a run or turn, what happens next.
 * Pure, so the state machine can be read (and tested) apart from the I/O that carries it out.
 */
import { isFailed, isRunning, isTerminalStep, isUnstarted, isWaitingApproval } from '@/server/core/work/status';
import type { ToolCall } from './backends/types';

export interface StepView {
  id: string;
  index: number;
  kind: 'model_call' | 'tool_call' | 'input';
  status: string;
  toolCallId: string | null;
  output: unknown;
}

export interface ModelOutput {
  text: string;
  toolCalls: ToolCall[];
  error?: string;
  /** The steered-in input steps this call's context contained (they count as answered). */
  inputs?: string[];
}

export type Action =
  | { type: 'model_call'; index: number; reuseStepId?: string }
  | { type: 'tool_call'; index: number; call: ToolCall }
  | { type: 'run_tool'; stepId: string; call: ToolCall }
  | { type: 'await_approval'; stepId: string; call: ToolCall }
  | { type: 'tool_interrupted'; stepId: string; call: ToolCall }
  | { type: 'succeed'; text: string }
  | { type: 'fail'; error: string };

/** Upper bound on model calls in one run or turn, so a model that never stops calling tools does. */
export const MAX_MODEL_CALLS = 50;

export function decideNext(steps: StepView[]): Action {
  const nextIndex = steps.length ? Math.max(...steps.map((s) => s.index)) + 1 : 0;
  const modelSteps = steps.filter((s) => s.kind === 'model_call');
  const lastModel = modelSteps.at(-1);
  if (!lastModel) return { type: 'model_call', index: nextIndex };
  if (isRunning(lastModel.status) || isUnstarted(lastModel.status)) {
    // A model call that never finished (the process died): it is made again, from the same context.
    return { type: 'model_call', index: lastModel.index, reuseStepId: lastModel.id };
  }
  const output = lastModel.output as ModelOutput | null;
  if (isFailed(lastModel.status)) return { type: 'fail', error: output?.error ?? 'model call failed' };

  const after = steps.filter((s) => s.index > lastModel.index);
  for (const call of output?.toolCalls ?? []) {
    const step = after.find((s) => s.kind === 'tool_call' && s.toolCallId === call.id);
    if (!step) return { type: 'tool_call', index: nextIndex, call };
    if (isWaitingApproval(step.status)) return { type: 'await_approval', stepId: step.id, call };
    if (isUnstarted(step.status)) return { type: 'run_tool', stepId: step.id, call };
    // A tool that was running when the process died is not run twice: its effects are unknown.
    if (isRunning(step.status)) return { type: 'tool_interrupted', stepId: step.id, call };
    if (!isTerminalStep(step.status)) return { type: 'fail', error: `unexpected step status ${step.status}` };
  }
  // Input steered in while the work ran is answered by the first model call that saw it; step order
  // alone cannot tell, because a steer can land between a call's context being read and its step
  // being written.
  const answered = new Set(modelSteps.flatMap((s) => (s.output as ModelOutput | null)?.inputs ?? []));
  const steered = steps.some((s) => s.kind === 'input' && !answered.has(s.id));
  if ((output?.toolCalls.length ?? 0) > 0 || steered) {
    if (modelSteps.length >= MAX_MODEL_CALLS) return { type: 'fail', error: `stopped after ${MAX_MODEL_CALLS} model calls` };
    return { type: 'model_call', index: nextIndex };
  }
  return { type: 'succeed', text: output?.text ?? '' };
}
