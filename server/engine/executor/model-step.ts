/**
 * A model-call step: the model sees the conversation so far and answers with text and tool calls,
 * streamed to readers as it arrives. Usage is recorded with the step; quota and the cost ceiling
 * are checked before the call is made.
 */
import { eq } from 'drizzle-orm';
import { step, type MessagePart } from '@/db/schema';
import type { Tx } from '@/server/core/events/append-event';
import { appendAndCommit, inTransaction, type Emit } from '@/server/core/events/unit-of-work';
import { readModelPolicy } from '@/server/core/models/model-policy';
import { newId } from '@/server/core/shared/ids';
import { assertWithinQuota } from '@/server/core/usage/quota';
import { recordUsage } from '@/server/core/usage/record-usage';
import { spentUsd } from '@/server/core/usage/spent';
import { sandboxOf } from '@/server/core/work/policy';
import { lockOwner, nextStepIndex } from '@/server/core/work/step-index';
import { appServerOf } from '../backends/codex-app-server/app-server';
import type { ToolCall } from '../backends/types';
import { buildMessages } from '../context';
import type { ModelOutput } from '../decide';
import { toolSpecs } from '../tools/registry';
import type { WorkItem } from '../work-item';
import { appServerTurn } from './app-server-turn';
import { addMessage, letReadersSeeIt, stopAborted, turnField, type EngineDeps, type LoadedStep } from './shared';

const DELTA_FLUSH_MS = 40;

/**
 * `markStarted`, for new work, runs first in the transaction that starts the step: it updates the
 * work's row, which so holds the row lock that numbering the step needs.
 */
export async function modelCall(
  deps: EngineDeps,
  item: WorkItem,
  steps: LoadedStep[],
  reuseStepId: string | undefined,
  signal: AbortSignal,
  markStarted?: (tx: Tx, emit: Emit) => Promise<void>,
): Promise<void> {
  const stepId = reuseStepId ?? newId('step');
  const title = `Model call ${steps.filter((s) => s.view.kind === 'model_call').length + (reuseStepId ? 0 : 1)}`;
  await inTransaction(deps, async (tx, emit) => {
    await markStarted?.(tx, emit);
    if (reuseStepId) await tx.update(step).set({ status: 'running', startedAt: new Date() }).where(eq(step.id, stepId));
    else {
      if (!markStarted) await lockOwner(tx, item);
      await tx.insert(step).values({ id: stepId, ownerId: item.id, index: nextStepIndex(item.id), kind: 'model_call', title, status: 'running', startedAt: new Date() });
    }
    await emit(item.streamId, { type: 'step_started', data: { step_id: stepId, title, type: 'model_call', ...turnField(item) } });
  });
  await letReadersSeeIt();

  let resolved;
  try {
    resolved = deps.backends.resolve(item.modelRef);
  } catch (err) {
    return failModelStep(deps, item, stepId, err instanceof Error ? err.message : String(err));
  }
  const { backend, model } = resolved;
  const pricing = backend.models().find((m) => m.model === model)?.pricing ?? { inputPerMTok: 0, outputPerMTok: 0 };
  const failure = await preflight(deps, item, backend.provider);
  if (failure) return failModelStep(deps, item, stepId, failure);

  const messages = buildMessages(item, steps.map((s) => s.view), new Map(steps.map((s) => [s.view.id, s.toolName ?? ''])));
  const inputSteps = steps.filter((st) => st.view.kind === 'input').map((st) => st.view.id);
  /** Input steered in during the call that the backend took while it ran (an app-server's turn/steer). */
  const steered: string[] = [];
  let text = '';
  let pending = '';
  const toolCalls: ToolCall[] = [];
  let usage = { inputTokens: 0, outputTokens: 0 };
  let error: string | undefined;
  // The first delta is written at once (a reader sees the answer start without delay); later ones
  // are batched for a few milliseconds (one event per batch, not per token) and written in order.
  // A timer flushes what is pending, so text reaches readers even when the model pauses.
  let written: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let lastFlush = Number.NEGATIVE_INFINITY;
  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    if (pending) {
      const delta = pending;
      pending = '';
      lastFlush = performance.now();
      written = written
        .then(() => appendAndCommit(deps, item.streamId, { type: 'model_output_delta', data: { step_id: stepId, text: delta, ...turnField(item) } }))
        .then(letReadersSeeIt);
    }
    return written;
  };
  const flushInBackground = () => void flush().catch((err) => deps.log.error('writing streamed text failed', err));
  const scheduleFlush = () => {
    if (timer) return;
    const wait = lastFlush + DELTA_FLUSH_MS - performance.now();
    if (wait <= 0) flushInBackground();
    else timer = setTimeout(flushInBackground, wait);
  };
  try {
    // A session turn on a backend with an app-server (Codex) runs on the session's long-lived process.
    const appServer = item.kind === 'turn' ? appServerOf(backend) : undefined;
    const events = appServer
      ? appServerTurn(deps, item, { config: appServer, model, messages, signal, knownInputs: inputSteps, onSteered: (ids) => steered.push(...ids) })
      : backend.call({ model, system: item.system, messages, tools: backend.kind === 'api' ? toolSpecs() : [], workspacePath: item.workspacePath, sandboxMode: sandboxOf(item.policy).mode, signal });
    for await (const ev of events) {
      if (signal.aborted) break;
      if (ev.type === 'text_delta') {
        text += ev.text;
        pending += ev.text;
        scheduleFlush();
      } else if (ev.type === 'tool_call') toolCalls.push(ev.call);
      else if (ev.type === 'usage') usage = { inputTokens: usage.inputTokens + ev.inputTokens, outputTokens: usage.outputTokens + ev.outputTokens };
      else if (ev.type === 'tool_activity') {
        await flush();
        await appendAndCommit(deps, item.streamId, {
          type: ev.result ? 'tool_call_completed' : 'tool_call_started',
          data: { tool_call_id: ev.call.id, tool_name: ev.call.name, input: ev.call.input, ...(ev.result ? { output: ev.result.output, is_error: ev.result.isError } : {}), external: true, ...turnField(item) },
        });
      } else if (ev.type === 'error') {
        error = ev.message;
        break;
      }
    }
  } catch (err) {
    if (!signal.aborted) error = err instanceof Error ? err.message : String(err);
  }
  if (signal.aborted) {
    await flush().catch(() => {});
    await stopAborted(signal, () =>
      inTransaction(deps, (tx) => tx.update(step).set({ status: 'failed', output: { error: 'canceled', text, toolCalls: [] }, completedAt: new Date() }).where(eq(step.id, stepId))),
    );
  }
  await flush();
  const inputs = [...inputSteps, ...steered];
  const output: ModelOutput = { text, toolCalls, inputs, ...(error ? { error } : {}) };
  await inTransaction(deps, async (tx, emit) => {
    await tx.update(step).set({ status: error ? 'failed' : 'succeeded', output: { ...output, usage }, completedAt: new Date() }).where(eq(step.id, stepId));
    if (usage.inputTokens || usage.outputTokens) {
      const cost = await recordUsage(tx, {
        stepId,
        provider: backend.provider,
        model,
        ...usage,
        pricing,
        runId: item.runId,
        sessionId: item.sessionId,
        turnId: item.turnId,
        principalId: item.principalId,
        ownerId: item.ownerId,
      });
      await emit(item.streamId, { type: 'usage_recorded', data: { step_id: stepId, provider: backend.provider, model, input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cost_usd: cost, ...turnField(item) } });
    }
    if (!error) {
      await emit(item.streamId, { type: 'model_output_completed', data: { step_id: stepId, text, tool_calls: toolCalls.length, ...turnField(item) } });
      if (item.kind === 'turn' && (text || toolCalls.length)) {
        const parts: MessagePart[] = [
          ...(text ? [{ type: 'text' as const, text }] : []),
          ...toolCalls.map((c) => ({ type: 'tool_use' as const, tool_call_id: c.id, tool_name: c.name, tool_input: c.input })),
        ];
        await addMessage(tx, emit, item, 'assistant', parts);
      }
    }
  });
}

/** Checks made before every model call: the daily quota of the backend and the cost ceiling. */
async function preflight(deps: EngineDeps, item: WorkItem, provider: string): Promise<string | undefined> {
  try {
    await assertWithinQuota(deps, provider);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const policy = await readModelPolicy(deps.db);
  if (policy.max_cost_usd !== null) {
    const spent = await spentUsd(deps.db, { runId: item.runId, sessionId: item.sessionId });
    if (spent >= policy.max_cost_usd) return `cost limit reached: ${spent.toFixed(4)} USD spent, max_cost_usd is ${policy.max_cost_usd}`;
  }
  return undefined;
}

async function failModelStep(deps: EngineDeps, item: WorkItem, stepId: string, error: string): Promise<void> {
  await inTransaction(deps, async (tx, emit) => {
    await tx.update(step).set({ status: 'failed', output: { text: '', toolCalls: [], error }, completedAt: new Date() }).where(eq(step.id, stepId));
    await emit(item.streamId, { type: 'model_output_failed', data: { step_id: stepId, message: error, ...turnField(item) } });
  });
}
