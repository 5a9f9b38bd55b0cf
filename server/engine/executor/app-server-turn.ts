/**
 * A session turn on an interactive backend (Codex's app-server): the model step's events come from
 * the session's long-lived process instead of a one-shot call. Besides the text, tool activity and
 * usage every backend reports (which the model step records as usual), it records:
 *
 *   - every notification, as a `backend_notification` event `{method, params, turn_id}`;
 *   - every request the backend sends, as a `session_request` row and a `server_request` event
 *     `{request_id, method, kind, params, turn_id}`. An approval request (a command, a file change)
 *     is decided by the session's policy (allow / deny answer at once) or, when the policy asks,
 *     becomes a core approval too, decided like any other; other requests wait for a client's
 *     answer (`resolveSessionRequest`). The turn keeps its lease while it waits. When the answer
 *     is there it goes back to the backend as the JSON-RPC response, and `server_request_resolved`
 *     `{request_id}` is appended;
 *   - the backend's thread id, in the session's metadata (`thread_id`), so later turns (in this
 *     process or, after a restart, in another) resume the same thread.
 *
 * Answers are found in the store: the client's request may land on any process, which records the
 * answer (or decides the approval) and signals the turn; this process, waiting, re-reads on that
 * signal and, as a safety net, every few seconds.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { agentSession, approval, sessionRequest, step } from '@/db/schema';
import type { Tx } from '@/server/core/events/append-event';
import { appendAndCommit, inTransaction, type Emit } from '@/server/core/events/unit-of-work';
import { newId } from '@/server/core/shared/ids';
import { approvalAnswer, approvalCategoryOf, requestKindOf } from '@/server/core/sessions/session-request-kinds';
import { decide, sandboxOf } from '@/server/core/work/policy';
import { isApproved, isPendingApproval, PENDING_APPROVAL_STATUSES } from '@/server/core/work/status';
import { latestUserIndex, isRecord, str, userText } from '../backends/shared/events';
import { buildCliPrompt } from '../backends/cli/common';
import { APPROVAL_POLICIES, commandText, type AppServerConfig, type AppServerProcess, type ApprovalPolicy, type ServerRequestAnswer, type TurnInput } from '../backends/codex-app-server/app-server';
import type { JsonRpcErrorObject, ServerRequest } from '../backends/codex-app-server/json-rpc';
import type { BackendEvent, ModelMessage } from '../backends/types';
import type { WorkItem } from '../work-item';
import type { EngineDeps } from './shared';

/** How often a waiting request re-reads the store when no signal came (a lost NOTIFY). */
const ANSWER_POLL_MS = 2_000;
const NOTIFICATION_FLUSH_MS = 40;
/** JSON-RPC "method not found", for requests nobody here can answer. */
const METHOD_NOT_FOUND = -32601;

export interface AppServerTurnOptions {
  config: AppServerConfig;
  model: string;
  messages: ModelMessage[];
  signal: AbortSignal;
  /** Ids of the turn's steered-input steps the messages already contain. */
  knownInputs: readonly string[];
  /** Steered input handed to the running Codex turn (`turn/steer`): it counts as answered by this call. */
  onSteered(inputStepIds: string[]): void;
}

type Answered = ServerRequestAnswer;

export async function* appServerTurn(deps: EngineDeps, item: WorkItem, opts: AppServerTurnOptions): AsyncGenerator<BackendEvent> {
  const pool = deps.appServers;
  const sessionId = item.sessionId!;
  const turnId = item.turnId!;
  if (!pool) {
    yield { type: 'error', message: 'codex app-server: this process runs no app-servers' };
    return;
  }
  await abandonEarlierRequests(deps, item);
  const [session] = await deps.db.select({ metadata: agentSession.metadata }).from(agentSession).where(eq(agentSession.id, sessionId)).limit(1);
  const metadata = isRecord(session?.metadata) ? session.metadata : {};
  const sandbox = sandboxOf(item.policy).mode;

  let proc: AppServerProcess;
  try {
    proc = await pool.acquire(sessionId, opts.config, { cwd: item.workspacePath, sandboxMode: sandbox });
  } catch (err) {
    yield { type: 'error', message: `codex app-server: ${err instanceof Error ? err.message : String(err)}` };
    return;
  }
  const pending: Array<{ method: string; params: unknown }> = [];
  let stopSteering = () => {};
  let flushTimer: NodeJS.Timeout | undefined;
  let written: Promise<unknown> = Promise.resolve();
  const flush = (): Promise<unknown> => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pending.length) {
      const batch = pending.splice(0).map((n) => ({ type: 'backend_notification', data: { method: n.method, params: n.params ?? null, turn_id: turnId } }));
      // One failed batch must not keep the later ones from being written.
      written = written.then(() => appendAndCommit(deps, item.streamId, batch)).catch((err) => deps.log.error('writing backend notifications failed', err));
    }
    return written;
  };
  try {
    const stored = str(metadata.thread_id);
    let thread;
    try {
      thread = await proc.openThread({ threadId: stored, cwd: item.workspacePath, model: opts.model, approvalPolicy: approvalPolicyOf(item, metadata), sandbox });
    } catch (err) {
      yield { type: 'error', message: `codex app-server: cannot open the thread: ${err instanceof Error ? err.message : String(err)}` };
      return;
    }
    if (thread.threadId !== stored) {
      await deps.db
        .update(agentSession)
        .set({ metadata: sql`${agentSession.metadata} || ${JSON.stringify({ thread_id: thread.threadId })}::jsonb` })
        .where(eq(agentSession.id, sessionId));
    }
    // A thread Codex keeps has the conversation already; a new one gets what came before as text.
    const input = turnInput(opts.messages, thread.resumed ? undefined : item.system, thread.resumed);
    stopSteering = steerWhileRunning(deps, item, proc, opts);
    const items = new Map<string, Record<string, unknown>>();
    const events = proc.runTurn({
      input,
      signal: opts.signal,
      onServerRequest: (request, requestSignal) => answerServerRequest(deps, item, { ...request, threadId: thread.threadId, items }, AbortSignal.any([requestSignal, opts.signal])),
    });
    for await (const event of events) {
      if (event.type === 'turn_started') continue;
      if (event.type === 'notification') {
        if (event.method === 'item/started' && isRecord(event.params) && isRecord(event.params.item)) {
          const started = event.params.item;
          if (typeof started.id === 'string') items.set(started.id, started);
        }
        pending.push({ method: event.method, params: event.params });
        flushTimer ??= setTimeout(() => void flush(), NOTIFICATION_FLUSH_MS);
        continue;
      }
      yield event;
    }
  } finally {
    stopSteering();
    await flush();
    pool.release(sessionId);
  }
}

/**
 * Input steered into the turn while Codex works on it goes to the running Codex turn at once
 * (`turn/steer`), as Codex's own clients do, instead of waiting for the next model call. The
 * steer use case signals the turn after recording the input, in whichever process it ran.
 */
function steerWhileRunning(deps: EngineDeps, item: WorkItem, proc: AppServerProcess, opts: AppServerTurnOptions): () => void {
  const handled = new Set(opts.knownInputs);
  let running: Promise<void> = Promise.resolve();
  const steerNew = async () => {
    const inputs = await deps.db
      .select({ id: step.id, output: step.output })
      .from(step)
      .where(and(eq(step.ownerId, item.id), eq(step.kind, 'input')))
      .orderBy(asc(step.index));
    const fresh = inputs.filter((i) => !handled.has(i.id));
    if (!fresh.length) return;
    for (const i of fresh) handled.add(i.id);
    const text = fresh.map((i) => (isRecord(i.output) ? (str(i.output.text) ?? '') : '')).join('\n\n');
    if (await proc.steer([{ type: 'text', text }])) opts.onSteered(fresh.map((i) => i.id));
  };
  return deps.signals.listen((signal) => {
    if (signal.type !== 'advance' || signal.ref.id !== item.id) return;
    running = running.then(steerNew).catch((err) => deps.log.error('steering the codex turn failed', err));
  });
}

/**
 * Codex asks for everything but known-safe reads under `untrusted`, and the session policy then
 * answers each request (allow, deny, or a human). A session whose policy needs a human or a
 * refusal anywhere gets `untrusted` whatever its own `approval_policy` (EchoHelix) says, since a
 * laxer one would let Codex act without asking — which only the admin may choose, through the
 * policy. With nothing to ask about, the session's choice stands, `never` by default.
 */
function approvalPolicyOf(item: WorkItem, metadata: Record<string, unknown>): ApprovalPolicy {
  if (item.policy.bash !== 'allow' || item.policy.write !== 'allow') return 'untrusted';
  const chosen = str(metadata.approval_policy);
  return chosen && (APPROVAL_POLICIES as readonly string[]).includes(chosen) ? (chosen as ApprovalPolicy) : 'never';
}

function turnInput(messages: ModelMessage[], system: string | undefined, resumed: boolean): TurnInput {
  const latest = messages[latestUserIndex(messages)];
  const text = resumed && latest?.role === 'user' ? userText(latest) : buildCliPrompt(messages, system);
  const images = latest?.role === 'user' ? latest.content.flatMap((p) => (p.type === 'image' ? [{ type: 'localImage' as const, path: p.path }] : [])) : [];
  return [{ type: 'text', text }, ...images];
}

interface IncomingRequest extends ServerRequest {
  turnId: string | undefined;
  threadId: string;
  /** The turn's items so far, by id: what an approval request is about. */
  items: Map<string, Record<string, unknown>>;
}

async function answerServerRequest(deps: EngineDeps, item: WorkItem, request: IncomingRequest, signal: AbortSignal): Promise<Answered> {
  const kind = requestKindOf(request.method);
  const params = isRecord(request.params) ? request.params : {};
  const requestId = newId('sreq');
  const turnId = item.turnId!;
  const base = { id: requestId, sessionId: item.sessionId!, turnId, method: request.method, kind, params, ownerId: item.ownerId };
  const requested = (emit: Emit) => emit(item.streamId, { type: 'server_request', data: { request_id: requestId, method: request.method, kind, params, turn_id: turnId } });

  const category = approvalCategoryOf(request.method);
  const decision = category ? decide(item.policy, category) : undefined;
  if (kind === 'unsupported' || (decision && decision !== 'ask')) {
    // Answered here and now: by the session's policy, or as a method nobody here implements.
    const answer: Answered = decision && decision !== 'ask' ? { result: approvalAnswer(decision === 'allow') } : { error: { code: METHOD_NOT_FOUND, message: `${request.method} is not supported by this server` } };
    await inTransaction(deps, async (tx, emit) => {
      await tx.insert(sessionRequest).values({ ...base, resolvedAt: new Date(), ...('result' in answer ? { result: answer.result } : { error: answer.error }) });
      await requested(emit);
      await emit(item.streamId, { type: 'server_request_resolved', data: { request_id: requestId, turn_id: turnId } });
    });
    return answer;
  }

  let approvalId: string | undefined;
  await inTransaction(deps, async (tx, emit) => {
    if (category) approvalId = await insertApproval(tx, emit, deps, item, request, requestId, category);
    await tx.insert(sessionRequest).values({ ...base, approvalId });
    await requested(emit);
  });
  return waitForAnswer(deps, item, requestId, approvalId, signal);
}

/** The core approval standing for a backend's approval request, so every face can decide it. */
async function insertApproval(tx: Tx, emit: Emit, deps: EngineDeps, item: WorkItem, request: IncomingRequest, requestId: string, category: 'bash' | 'write'): Promise<string> {
  const params = isRecord(request.params) ? request.params : {};
  const itemId = str(params.itemId) ?? str(params.callId) ?? requestId;
  const subject = request.items.get(itemId);
  const command = commandText(params.command) ?? commandText(subject?.command);
  const changed = Array.isArray(subject?.changes) ? subject.changes.flatMap((c) => (isRecord(c) && typeof c.path === 'string' ? [c.path] : [])) : [];
  const summary = (category === 'bash' ? (command ?? str(params.reason) ?? 'a command') : changed.length ? `file change: ${changed.join(', ')}` : (str(params.reason) ?? 'a file change')).slice(0, 2000);
  const toolName = category === 'bash' ? 'bash' : 'apply_patch';
  const approvalId = newId('apr');
  const timeoutMs = item.policy.approvalTimeoutMs ?? deps.env.approvalTimeoutMs;
  await tx.insert(approval).values({
    id: approvalId,
    sessionId: item.sessionId,
    turnId: item.turnId,
    // No step stands for it (the backend runs its own tools); the request is its one-of-a-kind anchor.
    stepId: requestId,
    toolCallId: itemId,
    toolName,
    category,
    summary,
    input: { ...params, ...(command !== undefined ? { command } : {}) },
    status: 'pending',
    ownerId: item.ownerId,
    expiresAt: new Date(Date.now() + timeoutMs),
  });
  await emit(item.streamId, {
    type: 'approval_requested',
    data: { message: `approval needed: ${summary}`, approval_id: approvalId, request_id: requestId, step_id: requestId, tool_call_id: itemId, tool_name: toolName, category, command: summary, input: params, turn_id: item.turnId },
  });
  return approvalId;
}

/**
 * Waits until the request is answered (stored on it by a client), its approval decided (from any
 * face) or timed out, or the turn stops; marks it resolved and returns the answer for the backend.
 */
async function waitForAnswer(deps: EngineDeps, item: WorkItem, requestId: string, approvalId: string | undefined, signal: AbortSignal): Promise<Answered> {
  let wake: (() => void) | undefined;
  const stopListening = deps.signals.listen((s) => {
    if (s.ref.id === item.turnId) wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const answer = await readAnswer(deps, item, requestId, approvalId);
      if (answer) {
        await markResolved(deps, item, requestId, answer);
        return answer;
      }
      if (signal.aborted) {
        const stopped: Answered = { error: { code: -32000, message: 'the turn was stopped' } };
        await markResolved(deps, item, requestId, stopped, 'the turn was stopped');
        return stopped;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ANSWER_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    stopListening();
    signal.removeEventListener('abort', onAbort);
  }
}

async function readAnswer(deps: EngineDeps, item: WorkItem, requestId: string, approvalId: string | undefined): Promise<Answered | undefined> {
  const [row] = await deps.db.select().from(sessionRequest).where(eq(sessionRequest.id, requestId)).limit(1);
  if (!row) return { error: { code: -32000, message: 'the request is gone' } };
  if (row.resolvedAt) return row.error ? { error: row.error as JsonRpcErrorObject } : { result: row.result ?? {} };
  if (!approvalId) {
    // A question nobody answers must not hold the turn (and its worker slot) forever.
    const timeoutMs = item.policy.approvalTimeoutMs ?? deps.env.approvalTimeoutMs;
    return row.createdAt.getTime() + timeoutMs > Date.now() ? undefined : { error: { code: -32000, message: `no answer within ${Math.round(timeoutMs / 1000)} s` } };
  }
  const [a] = await deps.db.select().from(approval).where(eq(approval.id, approvalId)).limit(1);
  if (!a) return { result: approvalAnswer(false) };
  if (isPendingApproval(a.status)) {
    if (!a.expiresAt || a.expiresAt.getTime() > Date.now()) return undefined;
    const approve = (item.policy.onTimeout ?? deps.env.approvalTimeoutDecision) === 'approve';
    await inTransaction(deps, async (tx, emit) => {
      const expired = await tx
        .update(approval)
        .set({ status: 'expired', decidedAt: new Date(), reason: `timed out; treated as ${approve ? 'approved' : 'denied'}` })
        .where(and(eq(approval.id, a.id), inArray(approval.status, PENDING_APPROVAL_STATUSES)))
        .returning({ id: approval.id });
      if (expired.length) await emit(item.streamId, { type: approve ? 'approval_granted' : 'approval_denied', data: { approval_id: a.id, step_id: a.stepId, tool_call_id: a.toolCallId, reason: 'timed out', turn_id: item.turnId } });
    });
    return { result: approvalAnswer(approve) };
  }
  return { result: approvalAnswer(isApproved(a.status)) };
}

/** Records the answer (unless a client stored it already) and announces the request resolved. */
async function markResolved(deps: EngineDeps, item: WorkItem, requestId: string, answer: Answered, why?: string): Promise<void> {
  await inTransaction(deps, async (tx, emit) => {
    await tx
      .update(sessionRequest)
      .set({ resolvedAt: new Date(), ...('result' in answer ? { result: answer.result } : { error: answer.error }) })
      .where(and(eq(sessionRequest.id, requestId), isNull(sessionRequest.resolvedAt)));
    if (why) {
      await tx.update(approval).set({ status: 'expired', decidedAt: new Date(), reason: why }).where(and(eq(approval.stepId, requestId), inArray(approval.status, PENDING_APPROVAL_STATUSES)));
    }
    await emit(item.streamId, { type: 'server_request_resolved', data: { request_id: requestId, turn_id: item.turnId } });
  });
}

/**
 * Requests still open when a turn starts were left by a process that is gone (a session runs one
 * turn at a time, and a request is closed when its turn ends): their app-server died with it, so
 * nobody can answer them any more. They are closed, and their approvals with them.
 */
async function abandonEarlierRequests(deps: EngineDeps, item: WorkItem): Promise<void> {
  const open = await deps.db
    .select({ id: sessionRequest.id })
    .from(sessionRequest)
    .where(and(eq(sessionRequest.sessionId, item.sessionId!), isNull(sessionRequest.resolvedAt)));
  for (const r of open) await markResolved(deps, item, r.id, { error: { code: -32000, message: 'the backend process that asked is gone' } }, 'the backend process that asked is gone');
}
