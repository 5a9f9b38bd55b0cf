/**
 * The executor: advances one run or turn through its state machine (decide.ts) until it finishes
 * or must wait for a human. Each model call and each tool call is a stored step; a process that
 * dies mid-way leaves steps behind that the next advance() picks up from, without calling the
 * model again for steps that had finished.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { approval, message, run, step, turn, type MessagePart } from '@/db/schema';
import { inTransaction, type Emit } from '@/server/core/events/unit-of-work';
import type { Tx } from '@/server/core/events/append-event';
import { getModelPolicy } from '@/server/core/models/model-policy';
import { artifactsDir } from '@/server/core/runs/export-run';
import { newId } from '@/server/core/shared/ids';
import { assertWithinQuota } from '@/server/core/usage/quota';
import { recordUsage } from '@/server/core/usage/record-usage';
import { spentUsd } from '@/server/core/usage/spent';
import type { Env } from '@/server/env';
import type { EventBus } from '@/server/stream/bus';
import type { BackendRegistry } from './backends/registry';
import type { ToolCall } from './backends/types';
import { buildMessages, type ToolStepOutput } from './context';
import { decideNext, type ModelOutput, type StepView } from './decide';
import { decide } from '@/server/core/work/policy';
import { getTool, runTool, summarizeToolCall, toolSpecs } from './tools/registry';
import { lockOwner, nextStepIndex } from '@/server/core/work/step-index';
import { finish, markStarted, setWaiting } from '@/server/core/work/transitions';
import { loadWorkItem, type WorkItem, type WorkRef } from './work-item';

export interface EngineDeps {
  db: Db;
  bus: EventBus;
  env: Env;
  backends: BackendRegistry;
  processId: string;
  log: { error(message: string, err?: unknown): void };
}

export type AdvanceResult = 'finished' | 'parked' | 'busy' | 'missing';

const LEASE_SECONDS = 15;
const WATCH_INTERVAL_MS = 250;
const DELTA_FLUSH_MS = 40;

class Canceled extends Error {}

export class Executor {
  constructor(private readonly deps: EngineDeps) {}

  /** Advances the work as far as it can go now. Safe to call repeatedly and from several processes. */
  async advance(ref: WorkRef, localAbort?: AbortSignal): Promise<AdvanceResult> {
    if (!(await this.acquireLease(ref))) return 'busy';
    const controller = new AbortController();
    const onLocalAbort = () => controller.abort();
    localAbort?.addEventListener('abort', onLocalAbort);
    // Cancel can come from any process: watch the row, and keep the lease alive while we work.
    let ticks = 0;
    const watch = setInterval(() => {
      ticks++;
      void this.cancelRequested(ref).then((yes) => yes && controller.abort(), () => {});
      if (ticks % 20 === 0) void this.acquireLease(ref).catch(() => {});
    }, WATCH_INTERVAL_MS);
    try {
      return await this.loop(ref, controller.signal);
    } finally {
      clearInterval(watch);
      localAbort?.removeEventListener('abort', onLocalAbort);
      await this.releaseLease(ref).catch(() => {});
    }
  }

  private async loop(ref: WorkRef, signal: AbortSignal): Promise<AdvanceResult> {
    const first = await loadWorkItem(this.deps.db, ref);
    if (!first) return 'missing';
    if (['succeeded', 'failed', 'canceled', 'interrupted'].includes(first.status)) return 'finished';
    if (first.status === 'queued' || first.status === 'pending') {
      await this.tx((tx, emit) => markStarted(tx, emit, first));
    }
    for (;;) {
      const item = (await loadWorkItem(this.deps.db, ref))!;
      if (item.cancelRequested || signal.aborted) {
        await this.tx((tx, emit) => finish(tx, emit, item, item.cancelAs));
        return 'finished';
      }
      const steps = await this.loadSteps(ref.id);
      const action = decideNext(steps.map((s) => s.view));
      try {
        switch (action.type) {
          case 'succeed':
            if (item.kind === 'run') await this.writeRunOutput(item.id, action.text);
            await this.tx((tx, emit) => finish(tx, emit, item, 'succeeded', { text: action.text }));
            return 'finished';
          case 'fail':
            await this.tx((tx, emit) => finish(tx, emit, item, 'failed', { error: action.error }));
            return 'finished';
          case 'model_call':
            await this.modelCall(item, steps, action.reuseStepId, signal);
            break;
          case 'tool_call':
            if ((await this.requestTool(item, action.call)) === 'parked') return 'parked';
            break;
          case 'run_tool':
            await this.runToolStep(item, action.stepId, action.call, signal);
            break;
          case 'await_approval':
            if ((await this.resolveApproval(item, action.stepId, action.call, signal)) === 'parked') return 'parked';
            break;
          case 'tool_interrupted':
            await this.completeToolStep(item, action.stepId, action.call, { output: 'interrupted: the server restarted while this tool ran; it was not run again', isError: true }, 'failed');
            break;
        }
      } catch (err) {
        if (err instanceof Canceled || signal.aborted) continue; // the top of the loop finishes it as canceled
        throw err;
      }
    }
  }

  // ---- model calls -------------------------------------------------------------------------

  private async modelCall(item: WorkItem, steps: LoadedStep[], reuseStepId: string | undefined, signal: AbortSignal): Promise<void> {
    const stepId = reuseStepId ?? newId('step');
    const title = `Model call ${steps.filter((s) => s.view.kind === 'model_call').length + (reuseStepId ? 0 : 1)}`;
    await this.tx(async (tx, emit) => {
      if (reuseStepId) await tx.update(step).set({ status: 'running', startedAt: new Date() }).where(eq(step.id, stepId));
      else {
        await lockOwner(tx, item);
        await tx.insert(step).values({ id: stepId, ownerId: item.id, index: nextStepIndex(item.id), kind: 'model_call', title, status: 'running', startedAt: new Date() });
      }
      await emit(item.streamId, { type: 'step_started', data: { step_id: stepId, title, type: 'model_call', ...this.turnField(item) } });
    });

    let resolved;
    try {
      resolved = this.deps.backends.resolve(item.modelRef);
    } catch (err) {
      return this.failModelStep(item, stepId, err instanceof Error ? err.message : String(err));
    }
    const { backend, model } = resolved;
    const pricing = backend.models().find((m) => m.model === model)?.pricing ?? { inputPerMTok: 0, outputPerMTok: 0 };
    const failure = await this.preflight(item, backend.provider);
    if (failure) return this.failModelStep(item, stepId, failure);

    const messages = buildMessages(item, steps.map((s) => s.view), new Map(steps.map((s) => [s.view.id, s.toolName ?? ''])));
    let text = '';
    let pending = '';
    const toolCalls: ToolCall[] = [];
    let usage = { inputTokens: 0, outputTokens: 0 };
    let error: string | undefined;
    // Deltas are batched for a few milliseconds (one event per batch, not per token) and written in
    // order; a timer flushes what is pending, so text reaches readers even when the model pauses.
    let written: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const flush = (): Promise<void> => {
      clearTimeout(timer);
      timer = undefined;
      if (pending) {
        const delta = pending;
        pending = '';
        written = written.then(() =>
          this.tx((_tx, emit) => emit(item.streamId, { type: 'model_output_delta', data: { step_id: stepId, text: delta, ...this.turnField(item) } })),
        );
      }
      return written;
    };
    try {
      for await (const ev of backend.call({ model, system: item.system, messages, tools: backend.kind === 'api' ? toolSpecs() : [], workspacePath: item.workspacePath, signal })) {
        if (signal.aborted) break;
        if (ev.type === 'text_delta') {
          text += ev.text;
          pending += ev.text;
          timer ??= setTimeout(() => void flush().catch((err) => this.deps.log.error('writing streamed text failed', err)), DELTA_FLUSH_MS);
        } else if (ev.type === 'tool_call') toolCalls.push(ev.call);
        else if (ev.type === 'usage') usage = { inputTokens: usage.inputTokens + ev.inputTokens, outputTokens: usage.outputTokens + ev.outputTokens };
        else if (ev.type === 'tool_activity') {
          await flush();
          await this.tx((_tx, emit) =>
            emit(item.streamId, {
              type: ev.result ? 'tool_call_completed' : 'tool_call_started',
              data: { tool_call_id: ev.call.id, tool_name: ev.call.name, input: ev.call.input, ...(ev.result ? { output: ev.result.output, is_error: ev.result.isError } : {}), external: true, ...this.turnField(item) },
            }),
          );
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
      await this.tx((tx) => tx.update(step).set({ status: 'failed', output: { error: 'canceled', text, toolCalls: [] }, completedAt: new Date() }).where(eq(step.id, stepId)));
      throw new Canceled();
    }
    await flush();
    const inputs = steps.filter((st) => st.view.kind === 'input').map((st) => st.view.id);
    const output: ModelOutput = { text, toolCalls, inputs, ...(error ? { error } : {}) };
    await this.tx(async (tx, emit) => {
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
        });
        await emit(item.streamId, { type: 'usage_recorded', data: { step_id: stepId, provider: backend.provider, model, input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cost_usd: cost, ...this.turnField(item) } });
      }
      if (!error) {
        await emit(item.streamId, { type: 'model_output_completed', data: { step_id: stepId, text, tool_calls: toolCalls.length, ...this.turnField(item) } });
        if (item.kind === 'turn' && (text || toolCalls.length)) {
          const parts: MessagePart[] = [
            ...(text ? [{ type: 'text' as const, text }] : []),
            ...toolCalls.map((c) => ({ type: 'tool_use' as const, tool_call_id: c.id, tool_name: c.name, tool_input: c.input })),
          ];
          await this.addMessage(tx, emit, item, 'assistant', parts);
        }
      }
    });
  }

  /** Checks made before every model call: the daily quota of the backend and the cost ceiling. */
  private async preflight(item: WorkItem, provider: string): Promise<string | undefined> {
    try {
      await assertWithinQuota(this.deps, provider);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    const policy = await getModelPolicy(this.deps.db);
    if (policy.max_cost_usd !== null) {
      const spent = await spentUsd(this.deps.db, { runId: item.runId, sessionId: item.sessionId });
      if (spent >= policy.max_cost_usd) return `cost limit reached: ${spent.toFixed(4)} USD spent, max_cost_usd is ${policy.max_cost_usd}`;
    }
    return undefined;
  }

  private async failModelStep(item: WorkItem, stepId: string, error: string): Promise<void> {
    await this.tx(async (tx, emit) => {
      await tx.update(step).set({ status: 'failed', output: { text: '', toolCalls: [], error }, completedAt: new Date() }).where(eq(step.id, stepId));
      await emit(item.streamId, { type: 'model_output_failed', data: { step_id: stepId, message: error, ...this.turnField(item) } });
    });
  }

  // ---- tool calls --------------------------------------------------------------------------

  /** Creates the step for a tool call the model asked for; policy decides whether it runs, waits or is refused. */
  private async requestTool(item: WorkItem, call: ToolCall): Promise<'parked' | 'continue'> {
    const tool = getTool(call.name);
    const stepId = newId('step');
    const summary = tool ? safeSummary(tool, call.input) : call.name;
    const base = { id: stepId, ownerId: item.id, index: nextStepIndex(item.id), kind: 'tool_call', title: `${call.name}: ${summary}`.slice(0, 500), toolName: call.name, toolCallId: call.id, command: summary, input: call.input as object };
    if (!tool) {
      await this.tx(async (tx, emit) => {
        await lockOwner(tx, item);
        await tx.insert(step).values({ ...base, status: 'pending' });
        await emit(item.streamId, { type: 'tool_call_started', data: { step_id: stepId, tool_call_id: call.id, tool_name: call.name, ...this.turnField(item) } });
      });
      await this.completeToolStep(item, stepId, call, { output: `unknown tool "${call.name}"`, isError: true }, 'failed');
      return 'continue';
    }
    const decision = decide(item.policy, tool.category);
    if (decision === 'deny') {
      await this.tx(async (tx, emit) => {
        await lockOwner(tx, item);
        await tx.insert(step).values({ ...base, status: 'pending' });
        await emit(item.streamId, { type: 'tool_call_started', data: { step_id: stepId, tool_call_id: call.id, tool_name: call.name, command: summary, ...this.turnField(item) } });
      });
      await this.completeToolStep(item, stepId, call, { output: `denied by policy: ${tool.category} tools are not allowed here`, isError: true }, 'skipped', { denied: true });
      return 'continue';
    }
    if (decision === 'allow') {
      await this.tx(async (tx) => {
        await lockOwner(tx, item);
        await tx.insert(step).values({ ...base, status: 'pending' });
      });
      return 'continue';
    }
    const timeoutMs = item.policy.approvalTimeoutMs ?? this.deps.env.approvalTimeoutMs;
    await this.tx(async (tx, emit) => {
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
        expiresAt: new Date(Date.now() + timeoutMs),
      });
      await setWaiting(tx, item, true);
      await emit(item.streamId, {
        type: 'approval_requested',
        data: { message: `approval needed: ${summary}`, approval_id: approvalId, step_id: stepId, tool_call_id: call.id, tool_name: call.name, category: tool.category, command: summary, input: call.input, ...this.turnField(item) },
      });
    });
    return 'parked';
  }

  private async resolveApproval(item: WorkItem, stepId: string, call: ToolCall, signal: AbortSignal): Promise<'parked' | 'continue'> {
    const [a] = await this.deps.db.select().from(approval).where(eq(approval.stepId, stepId)).limit(1);
    if (!a) return this.completeToolStep(item, stepId, call, { output: 'approval record missing', isError: true }, 'failed').then(() => 'continue' as const);
    let status = a.status;
    if (status === 'pending' && a.expiresAt && a.expiresAt.getTime() <= Date.now()) {
      status = (item.policy.onTimeout ?? this.deps.env.approvalTimeoutDecision) === 'approve' ? 'approved' : 'denied';
      await this.tx(async (tx, emit) => {
        await tx.update(approval).set({ status: 'expired', decidedAt: new Date(), reason: `timed out; treated as ${status}` }).where(and(eq(approval.id, a.id), eq(approval.status, 'pending')));
        await emit(item.streamId, { type: status === 'approved' ? 'approval_granted' : 'approval_denied', data: { approval_id: a.id, step_id: stepId, tool_call_id: a.toolCallId, reason: 'timed out', ...this.turnField(item) } });
      });
    }
    if (status === 'pending') {
      // Still waiting (e.g. woken by a restart); make sure the status says so.
      await this.tx((tx) => setWaiting(tx, item, true));
      return 'parked';
    }
    if (item.status === 'waiting_approval') await this.tx((tx) => setWaiting(tx, item, false));
    if (status === 'approved') {
      await this.runToolStep(item, stepId, call, signal);
    } else {
      await this.completeToolStep(item, stepId, call, { output: `denied by user${a.reason ? `: ${a.reason}` : ''}`, isError: true }, 'skipped', { denied: true });
    }
    return 'continue';
  }

  private async runToolStep(item: WorkItem, stepId: string, call: ToolCall, signal: AbortSignal): Promise<void> {
    const tool = getTool(call.name);
    await this.tx(async (tx, emit) => {
      await tx.update(step).set({ status: 'running', startedAt: new Date() }).where(eq(step.id, stepId));
      await emit(item.streamId, { type: 'step_started', data: { step_id: stepId, title: `${call.name}`, type: 'tool_call', ...this.turnField(item) } });
      await emit(item.streamId, { type: 'tool_call_started', data: { step_id: stepId, tool_call_id: call.id, tool_name: call.name, input: call.input, command: tool ? safeSummary(tool, call.input) : call.name, ...this.turnField(item) } });
    });
    const result = await runTool(call.name, call.input, {
      workspacePath: item.workspacePath,
      signal,
      bashTimeoutMs: this.deps.env.bashTimeoutMs,
      outputCapBytes: this.deps.env.toolOutputCapBytes,
      env: this.deps.env.processEnv,
    });
    if (signal.aborted) {
      await this.completeToolStep(item, stepId, call, { output: 'canceled while running', isError: true }, 'failed');
      throw new Canceled();
    }
    await this.completeToolStep(item, stepId, call, result, result.isError ? 'failed' : 'succeeded', {
      exitCode: result.exitCode,
      changedFiles: result.changedFiles,
      category: tool?.category,
      command: tool ? safeSummary(tool, call.input) : undefined,
    });
  }

  private async completeToolStep(
    item: WorkItem,
    stepId: string,
    call: ToolCall,
    result: ToolStepOutput,
    status: 'succeeded' | 'failed' | 'skipped',
    extra: { denied?: boolean; exitCode?: number | null; changedFiles?: string[]; category?: string; command?: string } = {},
  ): Promise<void> {
    await this.tx(async (tx, emit) => {
      await tx.update(step).set({ status, output: { output: result.output, isError: result.isError, ...extra }, completedAt: new Date() }).where(eq(step.id, stepId));
      const turnField = this.turnField(item);
      if (extra.category === 'bash') {
        await emit(item.streamId, { type: 'command_executed', data: { step_id: stepId, tool_call_id: call.id, command: extra.command, exit_code: extra.exitCode ?? null, output: result.output.slice(0, 8192), ...turnField } });
      }
      if (extra.changedFiles?.length) {
        await emit(item.streamId, { type: 'patch_applied', data: { step_id: stepId, tool_call_id: call.id, files: extra.changedFiles, ...turnField } });
      }
      await emit(item.streamId, {
        type: 'tool_call_completed',
        data: { step_id: stepId, tool_call_id: call.id, tool_name: call.name, status, is_error: result.isError, output: result.output.slice(0, 8192), ...(extra.denied ? { denied: true } : {}), ...turnField },
      });
      if (item.kind === 'turn') {
        await this.addMessage(tx, emit, item, 'tool_result', [{ type: 'tool_result', tool_call_id: call.id, tool_name: call.name, text: result.output, is_error: result.isError }]);
      }
    });
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** The final answer of a run is kept as an artifact (exported under artifacts/). */
  private async writeRunOutput(runId: string, text: string): Promise<void> {
    const dir = artifactsDir(this.deps.env.dataDir, runId);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'output.md'), text.endsWith('\n') || !text ? text : `${text}\n`);
  }

  private turnField(item: WorkItem): Record<string, string> {
    return item.turnId ? { turn_id: item.turnId } : {};
  }

  private async addMessage(tx: Tx, emit: Emit, item: WorkItem, role: string, parts: MessagePart[]): Promise<void> {
    const id = newId('msg');
    const [row] = await tx
      .insert(message)
      .values({
        id,
        sessionId: item.sessionId!,
        turnId: item.turnId,
        role,
        parts,
        sequence: sql`(select coalesce(max(${message.sequence}), 0) + 1 from ${message} where ${message.sessionId} = ${item.sessionId!})`,
      })
      .returning({ sequence: message.sequence });
    await emit(item.streamId, { type: 'message_added', data: { message_id: id, role, sequence: row!.sequence, turn_id: item.turnId! } });
  }

  private tx<T>(work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    return inTransaction(this.deps, work);
  }

  private async loadSteps(ownerId: string): Promise<LoadedStep[]> {
    const rows = await this.deps.db.select().from(step).where(eq(step.ownerId, ownerId)).orderBy(asc(step.index));
    return rows.map((r) => ({
      view: { id: r.id, index: r.index, kind: r.kind as StepView['kind'], status: r.status, toolCallId: r.toolCallId, output: r.output },
      toolName: r.toolName,
    }));
  }

  private table(ref: WorkRef) {
    return ref.kind === 'run' ? run : turn;
  }

  private async acquireLease(ref: WorkRef): Promise<boolean> {
    const t = this.table(ref);
    const me = this.deps.processId;
    const rows = await this.deps.db
      .update(t)
      .set({ leaseOwner: me, leaseExpiresAt: sql`now() + make_interval(secs => ${LEASE_SECONDS})` })
      .where(and(eq(t.id, ref.id), or(isNull(t.leaseOwner), eq(t.leaseOwner, me), lt(t.leaseExpiresAt, sql`now()`))))
      .returning({ id: t.id });
    return rows.length > 0;
  }

  private async releaseLease(ref: WorkRef): Promise<void> {
    const t = this.table(ref);
    await this.deps.db.update(t).set({ leaseOwner: null, leaseExpiresAt: null }).where(and(eq(t.id, ref.id), eq(t.leaseOwner, this.deps.processId)));
  }

  private async cancelRequested(ref: WorkRef): Promise<boolean> {
    const t = this.table(ref);
    const [row] = await this.deps.db.select({ at: t.cancelRequestedAt }).from(t).where(eq(t.id, ref.id)).limit(1);
    return !!row?.at;
  }
}

interface LoadedStep {
  view: StepView;
  toolName: string | null;
}

function safeSummary(tool: { name: string }, input: unknown): string {
  return summarizeToolCall(tool.name, input);
}
