/** Turning stream events into what the dashboard shows: log lines and streamed model text. */
import { compactJson, excerpt } from './format';
import type { StreamEvent } from './types';
import type { Tone } from './work';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Who did it, for events that record their actor (approvals, denials, cancels, emergency stops). */
function actorLine(actor: unknown): string {
  if (typeof actor !== 'object' || actor === null) return '';
  const { kind, id } = actor as { kind?: unknown; id?: unknown };
  if (kind === 'admin') return 'by the admin';
  return str(kind) && str(id) ? `by ${str(kind)!.replace('_', ' ')} ${str(id)}` : '';
}

/** One readable line for an event (and who caused it, where recorded). */
export function summarizeEvent(event: StreamEvent): string {
  const described = describeEvent(event);
  // Some messages already say who did it ("cancel requested by admin"): not twice.
  const actor = / by \S/.test(described) ? '' : actorLine(event.data.actor);
  return [described, actor].filter(Boolean).join(' · ');
}

/** Its own message when it has one, else the telling fields of its data. */
function describeEvent(event: StreamEvent): string {
  const d = event.data;
  const message = str(d.message);
  switch (event.type) {
    case 'model_output_delta':
      return excerpt(str(d.text), 120);
    case 'model_output_completed': {
      const calls = num(d.tool_calls);
      const text = excerpt(str(d.text), 160);
      return [text, calls ? `${calls} tool call${calls === 1 ? '' : 's'}` : ''].filter(Boolean).join(' · ') || '(no text)';
    }
    case 'step_started':
      return [str(d.title), str(d.type)].filter(Boolean).join(' · ');
    case 'tool_call_started':
      return `${str(d.tool_name) ?? 'tool'}: ${str(d.command) ?? (d.input === undefined ? '' : compactJson(d.input, 160))}`;
    case 'tool_call_completed':
      return [`${str(d.tool_name) ?? 'tool'} ${str(d.status) ?? (d.is_error ? 'failed' : 'done')}`, d.denied ? 'denied' : '', excerpt(str(d.output), 120)]
        .filter(Boolean)
        .join(' · ');
    case 'command_executed':
      return `$ ${str(d.command) ?? ''} → exit ${d.exit_code ?? '?'}${str(d.output) ? ` · ${excerpt(str(d.output), 100)}` : ''}`;
    case 'patch_applied':
      return Array.isArray(d.files) ? d.files.join(', ') : '';
    case 'usage_recorded': {
      const cost = num(d.cost_usd);
      return `${str(d.provider) ?? ''}:${str(d.model) ?? ''} · ${num(d.input_tokens) ?? 0} in / ${num(d.output_tokens) ?? 0} out${cost ? ` · $${cost.toFixed(4)}` : ''}`;
    }
    case 'message_added':
      return `${str(d.role) ?? 'message'} #${num(d.sequence) ?? '?'}`;
    case 'approval_granted':
    case 'approval_denied':
      return [message, str(d.reason) ? `reason: ${str(d.reason)}` : ''].filter(Boolean).join(' · ');
    case 'session_created':
      return ['session created', str(d.model) ? `on ${str(d.model)}` : '', str(d.mode) ? `${str(d.mode)} mode` : '', str(d.workspace_path) ? `in ${str(d.workspace_path)}` : '']
        .filter(Boolean)
        .join(' · ');
    case 'session_mode_set':
      return [`mode set to ${str(d.mode) ?? '?'}`, str(d.spec_path) ? `spec ${str(d.spec_path)}` : ''].filter(Boolean).join(' · ');
    case 'turn_queued':
      return str(d.retry_of) ? `turn queued (retry of ${str(d.retry_of)})` : 'turn queued';
    case 'turn_started':
      return str(d.model) ? `turn started on ${str(d.model)}` : 'turn started';
    case 'turn_steered':
      return 'new input added to the running turn';
    case 'turn_cancel_requested':
      return 'cancel requested';
    case 'turn_completed':
    case 'turn_failed':
    case 'turn_canceled':
    case 'turn_interrupted':
      // turn_completed is the successful end: its status says "succeeded".
      return [`turn ${str(d.status) ?? event.type.slice('turn_'.length)}`, message].filter(Boolean).join(': ');
    case 'model_output_failed':
      return `model call failed${message ? `: ${message}` : ''}`;
    default:
      return message ?? describeFields(d);
  }
}

const HIDDEN_FIELDS = new Set(['turn_id', 'actor', 'step_id', 'tool_call_id', 'approval_id', 'session_id', 'run_id', 'input']);

/** The telling fields of an event with no message of its own, in words: "status succeeded · model x". */
function describeFields(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([key, value]) => !HIDDEN_FIELDS.has(key) && value !== null && value !== undefined && value !== '')
    .map(([key, value]) => {
      const shown = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : compactJson(value, 80);
      return `${key.replace(/_/g, ' ')} ${excerpt(shown, 80)}`;
    })
    .join(' · ');
}

/** Who decided or did something, in words ("user usr_1", "the admin"); undefined when not recorded. */
export function actorName(actor: unknown): string | undefined {
  const line = actorLine(actor);
  return line ? line.replace(/^by /, '') : undefined;
}

export function eventTone(type: string): Tone {
  if (/(_failed|_denied|_canceled)$/.test(type)) return 'bad';
  if (/(_succeeded|_granted|_completed)$/.test(type)) return 'ok';
  if (type === 'approval_requested') return 'warn';
  return 'neutral';
}

export interface LogEntry {
  seq: number;
  /** When the event was recorded (ISO 8601). */
  ts: string;
  type: string;
  summary: string;
  /** Consecutive model_output_delta events of one step are one line; this counts them. */
  count: number;
  stepId?: string;
  /** For folded deltas: the text so far, untrimmed (the summary is its excerpt). */
  text?: string;
}

const MAX_LOG = 2000;

/** Appends events to a log, folding runs of deltas of the same step into one line. */
export function appendToLog(log: LogEntry[], events: StreamEvent[]): LogEntry[] {
  const next = log.slice();
  for (const event of events) {
    const stepId = str(event.data.step_id);
    const last = next[next.length - 1];
    if (event.type === 'model_output_delta' && last?.type === 'model_output_delta' && last.stepId === stepId) {
      // Only the first 2000 characters can ever show; the rest need not be kept.
      const text = `${last.text ?? ''}${str(event.data.text) ?? ''}`.slice(0, 2000);
      next[next.length - 1] = { ...last, count: last.count + 1, text, summary: excerpt(text, 120) };
      continue;
    }
    const text = event.type === 'model_output_delta' ? (str(event.data.text) ?? '') : undefined;
    next.push({ seq: event.seq, ts: event.created_at, type: event.type, summary: summarizeEvent(event), count: 1, stepId, ...(text === undefined ? {} : { text }) });
  }
  return next.length > MAX_LOG ? next.slice(next.length - MAX_LOG) : next;
}

export interface ModelOutput {
  stepId: string;
  turnId?: string;
  text: string;
  done: boolean;
  failed?: string;
  /** The work ended before the model call finished (canceled, failed elsewhere). */
  stopped?: boolean;
  /** For sessions: the sequence of the assistant message that now holds this text. */
  messageSequence?: number;
}

/**
 * Streamed model text, per model-call step: deltas append, `model_output_completed` replaces the
 * text with the full answer, `model_output_failed` marks it failed. For sessions, the next assistant
 * `message_added` ties the output to the stored message (the chat then shows the message instead).
 */
export function applyToOutputs(outputs: ModelOutput[], events: StreamEvent[]): ModelOutput[] {
  let next = outputs;
  const update = (stepId: string, turnId: string | undefined, change: (o: ModelOutput) => ModelOutput) => {
    const index = next.findIndex((o) => o.stepId === stepId);
    const current = index >= 0 ? next[index]! : { stepId, turnId, text: '', done: false };
    const updated = change(current);
    next = index >= 0 ? next.map((o, i) => (i === index ? updated : o)) : [...next, updated];
  };
  for (const event of events) {
    const d = event.data;
    const stepId = str(d.step_id);
    const turnId = str(d.turn_id);
    switch (event.type) {
      case 'step_started':
        if (stepId && d.type === 'model_call') update(stepId, turnId, (o) => o);
        break;
      case 'model_output_delta':
        if (stepId) update(stepId, turnId, (o) => ({ ...o, text: o.text + (str(d.text) ?? '') }));
        break;
      case 'model_output_completed':
        if (stepId) update(stepId, turnId, (o) => ({ ...o, text: typeof d.text === 'string' ? d.text : o.text, done: true }));
        break;
      case 'model_output_failed':
        if (stepId) update(stepId, turnId, (o) => ({ ...o, done: true, failed: str(d.message) ?? 'model call failed' }));
        break;
      case 'run_succeeded':
      case 'run_failed':
      case 'run_canceled':
      case 'turn_completed':
      case 'turn_failed':
      case 'turn_canceled':
      case 'turn_interrupted':
        // The work ended: whatever was still streaming stopped there.
        next = next.map((o) => (o.done || (turnId && o.turnId !== turnId) ? o : { ...o, done: true, stopped: true }));
        break;
      case 'message_added': {
        if (d.role !== 'assistant') break;
        const sequence = num(d.sequence);
        // The newest finished output without a message is the one this message stores.
        const index = next.findLastIndex((o) => o.done && !o.failed && o.messageSequence === undefined);
        if (index >= 0 && sequence !== undefined) next = next.map((o, i) => (i === index ? { ...o, messageSequence: sequence } : o));
        break;
      }
    }
  }
  return next;
}

/** What the stream tells about one step beyond its status: the tool call, its result, its approval. */
export interface StepDetail {
  stepId: string;
  turnId?: string;
  /** From `step_started`: the step's kind and title, for a step the run query has not caught up with yet. */
  type?: string;
  title?: string;
  startedAt?: string;
  completedAt?: string;
  toolName?: string;
  toolCallId?: string;
  input?: unknown;
  command?: string;
  exitCode?: number | null;
  output?: string;
  isError?: boolean;
  denied?: boolean;
  files?: string[];
  /** Set when the model call failed (its message); a call stopped by a cancel has none. */
  modelError?: string;
  /** How many tool calls the model asked for in this call. */
  toolCalls?: number;
  approval?: {
    requestedAt: string;
    decision?: 'approved' | 'denied';
    decidedAt?: string;
    /** Who decided ("user usr_1", "the admin"); undefined when the approval timed out. */
    decidedBy?: string;
    reason?: string;
  };
}

/** Folds events into per-step details, keyed by step id (events without a step id are ignored). */
export function applyToSteps(details: Record<string, StepDetail>, events: StreamEvent[]): Record<string, StepDetail> {
  let next = details;
  for (const event of events) {
    const d = event.data;
    const stepId = str(d.step_id);
    if (!stepId) continue;
    const current = next[stepId] ?? { stepId, turnId: str(d.turn_id) };
    let updated: StepDetail | undefined;
    switch (event.type) {
      case 'step_started':
        updated = { ...current, type: str(d.type) ?? current.type, title: str(d.title) ?? current.title, startedAt: current.startedAt ?? event.created_at };
        break;
      case 'tool_call_started':
        updated = {
          ...current,
          toolName: str(d.tool_name) ?? current.toolName,
          toolCallId: str(d.tool_call_id) ?? current.toolCallId,
          input: d.input === undefined ? current.input : d.input,
          command: str(d.command) ?? current.command,
        };
        break;
      case 'approval_requested':
        updated = {
          ...current,
          toolName: str(d.tool_name) ?? current.toolName,
          toolCallId: str(d.tool_call_id) ?? current.toolCallId,
          input: d.input === undefined ? current.input : d.input,
          command: str(d.command) ?? current.command,
          approval: { requestedAt: event.created_at },
        };
        break;
      case 'approval_granted':
      case 'approval_denied':
        updated = {
          ...current,
          approval: {
            requestedAt: current.approval?.requestedAt ?? event.created_at,
            decision: event.type === 'approval_granted' ? 'approved' : 'denied',
            decidedAt: event.created_at,
            decidedBy: actorName(d.actor),
            reason: str(d.reason),
          },
        };
        break;
      case 'command_executed':
        updated = { ...current, command: str(d.command) ?? current.command, exitCode: typeof d.exit_code === 'number' ? d.exit_code : null };
        break;
      case 'patch_applied':
        updated = { ...current, files: Array.isArray(d.files) ? d.files.filter((f): f is string => typeof f === 'string') : current.files };
        break;
      case 'tool_call_completed':
        updated = {
          ...current,
          toolName: str(d.tool_name) ?? current.toolName,
          output: typeof d.output === 'string' ? d.output : current.output,
          isError: d.is_error === true,
          denied: d.denied === true,
          completedAt: event.created_at,
        };
        break;
      case 'model_output_completed':
        updated = { ...current, completedAt: event.created_at, toolCalls: num(d.tool_calls) };
        break;
      case 'model_output_failed':
        updated = { ...current, modelError: str(d.message) ?? 'model call failed', completedAt: event.created_at };
        break;
    }
    if (updated) next = { ...next, [stepId]: updated };
  }
  return next;
}

/** The output a tool step writes when a cancel stops it mid-run. */
const CANCELED_TOOL_OUTPUT = 'canceled while running';

/**
 * The status to show for a step. When the run was canceled, the step the cancel stopped is
 * "interrupted", not "failed": one still open, or one that failed with no failure of its own.
 */
export function displayStepStatus(stepStatus: string, runStatus: string, detail: StepDetail | undefined): string {
  if (runStatus !== 'canceled') return stepStatus;
  if (stepStatus === 'running' || stepStatus === 'waiting_approval') return 'interrupted';
  if (stepStatus !== 'failed') return stepStatus;
  if (!detail) return 'interrupted';
  if (detail.output !== undefined) return detail.output === CANCELED_TOOL_OUTPUT ? 'interrupted' : stepStatus;
  return detail.modelError ? stepStatus : 'interrupted';
}

export type DiffLine = { kind: 'file' | 'hunk' | 'add' | 'del' | 'context'; text: string };

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * The change a file tool makes, as diff lines: write_file adds its content, edit_file swaps the old
 * text for the new, apply_patch is its unified diff. Null for any other tool or an unreadable input.
 */
export function toolDiff(toolName: string | undefined, input: unknown): DiffLine[] | null {
  if (typeof input !== 'object' || input === null) return null;
  const i = input as Record<string, unknown>;
  switch (toolName) {
    case 'write_file':
      if (typeof i.path !== 'string' || typeof i.content !== 'string') return null;
      return [{ kind: 'file', text: i.path }, ...lines(i.content).map((text): DiffLine => ({ kind: 'add', text }))];
    case 'edit_file':
      if (typeof i.path !== 'string' || typeof i.old_string !== 'string' || typeof i.new_string !== 'string') return null;
      return [
        { kind: 'file', text: i.replace_all === true ? `${i.path} (every occurrence)` : i.path },
        ...lines(i.old_string).map((text): DiffLine => ({ kind: 'del', text })),
        ...lines(i.new_string).map((text): DiffLine => ({ kind: 'add', text })),
      ];
    case 'apply_patch':
      if (typeof i.patch !== 'string') return null;
      return lines(i.patch).map((line): DiffLine => {
        if (line.startsWith('+++ ') || line.startsWith('--- ') || line.startsWith('diff ')) return { kind: 'file', text: line };
        if (line.startsWith('@@')) return { kind: 'hunk', text: line };
        if (line.startsWith('+')) return { kind: 'add', text: line.slice(1) };
        if (line.startsWith('-')) return { kind: 'del', text: line.slice(1) };
        return { kind: 'context', text: line.startsWith(' ') ? line.slice(1) : line };
      });
    default:
      return null;
  }
}
