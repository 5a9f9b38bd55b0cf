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
  return [describeEvent(event), actorLine(event.data.actor)].filter(Boolean).join(' · ');
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
    default: {
      if (message) return message;
      const { turn_id: _turn, actor: _actor, ...rest } = d;
      return Object.keys(rest).length ? compactJson(rest, 160) : '';
    }
  }
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
}

const MAX_LOG = 2000;

/** Appends events to a log, folding runs of deltas of the same step into one line. */
export function appendToLog(log: LogEntry[], events: StreamEvent[]): LogEntry[] {
  const next = log.slice();
  for (const event of events) {
    const stepId = str(event.data.step_id);
    const last = next[next.length - 1];
    if (event.type === 'model_output_delta' && last?.type === 'model_output_delta' && last.stepId === stepId) {
      const text = `${last.summary.endsWith('…') ? last.summary.slice(0, -1) : last.summary}${str(event.data.text) ?? ''}`;
      next[next.length - 1] = { ...last, count: last.count + 1, summary: excerpt(text, 120) };
      continue;
    }
    next.push({ seq: event.seq, ts: event.created_at, type: event.type, summary: summarizeEvent(event), count: 1, stepId });
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
