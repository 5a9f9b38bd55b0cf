/**
 * Tool-call steps: the permission policy decides whether a call the model asked for runs, waits
 * for a human, or is refused; an approved (or allowed) call runs in the workspace, and its result
 * goes back to the model as the step's output.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { approval, step } from '@/db/schema';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { newId } from '@/server/core/shared/ids';
import { decide, sandboxOf } from '@/server/core/work/policy';
import { isApproved, isPendingApproval, isWaitingApproval, PENDING_APPROVAL_STATUSES } from '@/server/core/work/status';
import { lockOwner, nextStepIndex } from '@/server/core/work/step-index';
import { setWaiting } from '@/server/core/work/transitions';
import type { ToolCall } from '../backends/types';
import type { ToolStepOutput } from '../context';
import { getTool, runTool, summarizeToolCall } from '../tools/registry';
import type { WorkItem } from '../work-item';
import { addMessage, stopAborted, turnField, type EngineDeps } from './shared';

export type StepOutcome = 'parked' | 'continue';

/** Creates the step for a tool call the model asked for; policy decides whether it runs, waits or is refused. */
export async function requestTool(deps: EngineDeps, item: WorkItem, call: ToolCall): Promise<StepOutcome> {
  const tool = getTool(call.name);
  const stepId = newId('step');
  const summary = tool ? safeSummary(tool, call.input) : call.name;
  const base = { id: stepId, ownerId: item.id, index: nextStepIndex(item.id), kind: 'tool_call', title: `${call.name}: ${summary}`.slice(0, 500), toolName: call.name, toolCallId: call.id, command: summary, input: call.input as object };
  if (!tool) {
    await inTransaction(deps, async (tx, emit) => {
      await lockOwner(tx, item);
      await tx.insert(step).values({ ...base, status: 'pending' });
      await emit(item.streamId, { type: 'tool_call_started', data: { step_id: stepId, tool_call_id: call.id, tool_name: call.name, ...turnField(item) } });
    });
    await completeToolStep(deps, item, stepId, call, { output: `unknown tool "${call.name}"`, isError: true }, 'failed');
    return 'continue';
  }
  const decision = decide(item.policy, tool.category);
  if (decision === 'deny') {
    await inTransaction(deps, async (tx, emit) => {
      await lockOwner(tx, item);
      await tx.insert(step).values({ ...base, status: 'pending' });
      await emit(item.streamId, { type: 'tool_call_started', data: { step_id: stepId, tool_call_id: call.id, tool_name: call.name, command: summary, ...turnField(item) } });
    });
    await completeToolStep(deps, item, stepId, call, { output: `denied by policy: ${tool.category} tools are not allowed here`, isError: true }, 'skipped', { denied: true });
    return 'continue';
  }
  if (decision === 'allow') {
    await inTransaction(deps, async (tx) => {
      await lockOwner(tx, item);
      await tx.insert(step).values({ ...base, status: 'pending' });
    });
    return 'continue';
  }
  const timeoutMs = item.policy.approvalTimeoutMs ?? deps.env.approvalTimeoutMs;
  await inTransaction(deps, async (tx, emit) => {
    await lockOwner(tx, item);
    await tx.insert(step).values({ ...base, status: 'waiting_approval', needsApproval: true });
    const approvalId = newId('apr');
    await tx.insert(approval).values({
      id: approvalId,
      runId: item.runId,
      sessionId: item.sessionId,
      turnId: item.turnId,
      stepId,
      toolCallId: call.id,
      toolName: call.name,
      category: tool.category,
      summary,
      input: call.input as object,
      status: 'pending',
      ownerId: item.ownerId,
      expiresAt: new Date(Date.now() + timeoutMs),
    });
    await setWaiting(tx, item, true);
    await emit(item.streamId, {
      type: 'approval_requested',
      data: { message: `approval needed: ${summary}`, approval_id: approvalId, step_id: stepId, tool_call_id: call.id, tool_name: call.name, category: tool.category, command: summary, input: call.input, ...turnField(item) },
    });
  });
  return 'parked';
}

export async function resolveApproval(deps: EngineDeps, item: WorkItem, stepId: string, call: ToolCall, signal: AbortSignal): Promise<StepOutcome> {
  const [a] = await deps.db.select().from(approval).where(eq(approval.stepId, stepId)).limit(1);
  if (!a) return completeToolStep(deps, item, stepId, call, { output: 'approval record missing', isError: true }, 'failed').then(() => 'continue' as const);
  let status = a.status;
  if (isPendingApproval(status) && a.expiresAt && a.expiresAt.getTime() <= Date.now()) {
    status = (item.policy.onTimeout ?? deps.env.approvalTimeoutDecision) === 'approve' ? 'approved' : 'denied';
    await inTransaction(deps, async (tx, emit) => {
      await tx.update(approval).set({ status: 'expired', decidedAt: new Date(), reason: `timed out; treated as ${status}` }).where(and(eq(approval.id, a.id), inArray(approval.status, PENDING_APPROVAL_STATUSES)));
      await emit(item.streamId, { type: isApproved(status) ? 'approval_granted' : 'approval_denied', data: { approval_id: a.id, step_id: stepId, tool_call_id: a.toolCallId, reason: 'timed out', ...turnField(item) } });
    });
  }
  if (isPendingApproval(status)) {
    // Still waiting (e.g. woken by a restart); make sure the status says so.
    await inTransaction(deps, (tx) => setWaiting(tx, item, true));
    return 'parked';
  }
  if (isWaitingApproval(item.status)) await inTransaction(deps, (tx) => setWaiting(tx, item, false));
  if (isApproved(status)) {
    await runToolStep(deps, item, stepId, call, signal);
  } else {
    await completeToolStep(deps, item, stepId, call, { output: `denied by user${a.reason ? `: ${a.reason}` : ''}`, isError: true }, 'skipped', { denied: true });
  }
  return 'continue';
}

export async function runToolStep(deps: EngineDeps, item: WorkItem, stepId: string, call: ToolCall, signal: AbortSignal): Promise<void> {
  const tool = getTool(call.name);
  await inTransaction(deps, async (tx, emit) => {
    await tx.update(step).set({ status: 'running', startedAt: new Date() }).where(eq(step.id, stepId));
    await emit(item.streamId, { type: 'step_started', data: { step_id: stepId, title: `${call.name}`, type: 'tool_call', ...turnField(item) } });
    await emit(item.streamId, { type: 'tool_call_started', data: { step_id: stepId, tool_call_id: call.id, tool_name: call.name, input: call.input, command: tool ? safeSummary(tool, call.input) : call.name, ...turnField(item) } });
  });
  const result = await runTool(call.name, call.input, {
    workspacePath: item.workspacePath,
    signal,
    bashTimeoutMs: deps.env.bashTimeoutMs,
    outputCapBytes: deps.env.toolOutputCapBytes,
    env: deps.env.processEnv,
    sandbox: deps.sandbox,
    sandboxMode: sandboxOf(item.policy).mode,
    network: sandboxOf(item.policy).network,
  });
  if (signal.aborted) await stopAborted(signal, () => completeToolStep(deps, item, stepId, call, { output: 'canceled while running', isError: true }, 'failed'));
  await completeToolStep(deps, item, stepId, call, result, result.isError ? 'failed' : 'succeeded', {
    exitCode: result.exitCode,
    changedFiles: result.changedFiles,
    category: tool?.category,
    command: tool ? safeSummary(tool, call.input) : undefined,
  });
}

export async function completeToolStep(
  deps: EngineDeps,
  item: WorkItem,
  stepId: string,
  call: ToolCall,
  result: ToolStepOutput,
  status: 'succeeded' | 'failed' | 'skipped',
  extra: { denied?: boolean; exitCode?: number | null; changedFiles?: string[]; category?: string; command?: string } = {},
): Promise<void> {
  await inTransaction(deps, async (tx, emit) => {
    await tx.update(step).set({ status, output: { output: result.output, isError: result.isError, ...extra }, completedAt: new Date() }).where(eq(step.id, stepId));
    const turn = turnField(item);
    if (extra.category === 'bash') {
      await emit(item.streamId, { type: 'command_executed', data: { step_id: stepId, tool_call_id: call.id, command: extra.command, exit_code: extra.exitCode ?? null, output: result.output.slice(0, 8192), ...turn } });
    }
    if (extra.changedFiles?.length) {
      await emit(item.streamId, { type: 'patch_applied', data: { step_id: stepId, tool_call_id: call.id, files: extra.changedFiles, ...turn } });
    }
    await emit(item.streamId, {
      type: 'tool_call_completed',
      data: { step_id: stepId, tool_call_id: call.id, tool_name: call.name, status, is_error: result.isError, output: result.output.slice(0, 8192), ...(extra.denied ? { denied: true } : {}), ...turn },
    });
    if (item.kind === 'turn') {
      await addMessage(tx, emit, item, 'tool_result', [{ type: 'tool_result', tool_call_id: call.id, tool_name: call.name, text: result.output, is_error: result.isError }]);
    }
  });
}

function safeSummary(tool: { name: string }, input: unknown): string {
  return summarizeToolCall(tool.name, input);
}
