/**
 * EchoHelix runs on the wire: the submission, the run as GET shows it, and Event v2 — each mapped
 * from the canonical run and its stored events. EchoHelix-only fields (workspace_id, the backend
 * name, context, options, the prompt as submitted) ride in the run's metadata.
 */
import path from 'node:path';
import { z } from 'zod';
import type { StoredEvent } from '@/server/core/events/streams';
import { runAttachmentSchema, runDtoSchema, type RunAttachment, type RunDto } from '@/server/core/runs';
import { sandboxOf } from '@/server/core/work/policy';
import { SANDBOX_MODES } from '@/server/core/work/sandbox-policy';
import { isTerminalRun, type RunStatus } from '@/server/core/work/status';
import { backendOfProvider } from './backends';

/** Where attachments land in the workspace (the original documents no place): `<here>/<run_id>/<alias>`. */
export const ATTACHMENTS_FOLDER = '.echohelix/attachments';

const nonEmpty = z.string().min(1);

export const runSubmitRequest = z.object({
  workspace_id: nonEmpty,
  workspace_path: nonEmpty,
  backend: nonEmpty,
  prompt: nonEmpty,
  context: z
    .object({ attachments: z.array(z.object({ file_id: nonEmpty, alias: nonEmpty })).optional() })
    .passthrough()
    .optional(),
  options: z
    .object({
      model: nonEmpty.optional(),
      // A backend-side configuration profile in the original (Codex `--profile`): kept and shown,
      // never a Switchboard permission profile — those may ask for approvals nobody here can give.
      profile: z.string().optional(),
      sandbox: z.enum(SANDBOX_MODES).optional(),
      // Streams are always Event v2 (each message says so); v1 is accepted for old clients.
      schema_version: z.enum(['v1', 'v2']).optional(),
    })
    .optional(),
});
export type RunSubmitRequest = z.infer<typeof runSubmitRequest>;

export const streamUrlOf = (runId: string) => `/api/v3/runs/${runId}/events`;

export const runSubmitResponse = z.object({ run_id: z.string(), status: z.string(), stream_url: z.string(), created_at: z.string() });

/** What a submission keeps in the run's metadata, to show the run back as it was submitted. */
export type EchohelixRunMetadata = {
  workspace_id: string;
  backend: string;
  prompt: string;
  context: Record<string, unknown>;
  options: RunSubmitRequest['options'];
  /** Written by the core when it copies the attachments. */
  attachments?: RunAttachment[];
};

export const runMetadataOf = (req: RunSubmitRequest): EchohelixRunMetadata => ({
  workspace_id: req.workspace_id,
  backend: req.backend,
  prompt: req.prompt,
  context: req.context ?? {},
  options: req.options,
});

export const ECHOHELIX_RUN_STATUSES = ['queued', 'running', 'streaming', 'cancelling', 'cancelled', 'completed', 'failed'] as const;
type EchohelixRunStatus = (typeof ECHOHELIX_RUN_STATUSES)[number];

/** EchoHelix has no approval wait: a run parked by another dialect's policy still reads as running. */
const STATUS: Record<RunStatus, EchohelixRunStatus> = {
  queued: 'queued',
  running: 'running',
  waiting_approval: 'running',
  succeeded: 'completed',
  failed: 'failed',
  canceled: 'cancelled',
};
export const echohelixRunStatus = (status: RunStatus): EchohelixRunStatus => STATUS[status];

const OUTCOMES = ['completed', 'failed', 'cancelled'] as const;
const REASON_CODES = ['success', 'backend_error', 'timeout', 'policy_denied', 'cancelled_by_user', 'cancelled', 'contract_error', 'in_progress'] as const;
type ReasonCode = (typeof REASON_CODES)[number];

export const terminalInfo = z.object({
  is_terminal: z.boolean(),
  /** Absent while the run is in progress (the original's enum has no value for it). */
  outcome: z.enum(OUTCOMES).optional(),
  reason_code: z.enum(REASON_CODES),
  reason: z.string(),
});
type TerminalInfo = z.infer<typeof terminalInfo>;

/** Why a failed run failed, as far as its error tells: a refusal by policy or quota, a timeout, else the backend. */
function failureReason(error: string): ReasonCode {
  if (/denied|quota|cost limit/i.test(error)) return 'policy_denied';
  if (/timed? ?out/i.test(error)) return 'timeout';
  return 'backend_error';
}

/** The one stop reason the core records for a requested cancel (see transitions.ts STOP_REASON). */
const REQUESTED_CANCEL = /by request/;

type Outcome = (typeof OUTCOMES)[number];

/** How each terminal canonical status ended, and why (from the run's error). */
const ENDING: Partial<Record<RunStatus, { outcome: Outcome; reasonCode: (error: string) => ReasonCode }>> = {
  succeeded: { outcome: 'completed', reasonCode: () => 'success' },
  failed: { outcome: 'failed', reasonCode: failureReason },
  canceled: { outcome: 'cancelled', reasonCode: (error) => (REQUESTED_CANCEL.test(error) ? 'cancelled_by_user' : 'cancelled') },
};

function terminalOf(run: RunDto): TerminalInfo {
  const status = echohelixRunStatus(run.status);
  const ending = ENDING[run.status];
  if (!isTerminalRun(run.status) || !ending) return { is_terminal: false, reason_code: 'in_progress', reason: `run is ${status}` };
  const error = run.error ?? '';
  return { is_terminal: true, outcome: ending.outcome, reason_code: ending.reasonCode(error), reason: error || `run ${status}` };
}

const dto = runDtoSchema.shape;

export const echohelixRun = z.object({
  run_id: dto.id,
  workspace_id: z.string(),
  workspace_path: dto.workspace_path,
  backend: z.string(),
  prompt: z.string(),
  context: z.record(z.string(), z.unknown()),
  options: z.object({ model: z.string(), profile: z.string().optional(), sandbox: z.enum(SANDBOX_MODES), schema_version: z.string() }),
  attachments: z.array(runAttachmentSchema),
  status: z.enum(ECHOHELIX_RUN_STATUSES),
  error: z.string().nullable(),
  terminal: terminalInfo,
  created_at: dto.created_at,
  updated_at: dto.updated_at,
});

/** The metadata a run carries if EchoHelix submitted it; a run from another face has none of it. */
const metadataOf = (run: RunDto): Partial<EchohelixRunMetadata> => run.metadata as Partial<EchohelixRunMetadata>;

/** The EchoHelix backend name of a run (its provider's, for a run another dialect started). */
export const backendOfRun = (run: RunDto): string => metadataOf(run).backend ?? backendOfProvider(run.model);

export function toEchohelixRun(run: RunDto): z.infer<typeof echohelixRun> {
  const meta = metadataOf(run);
  const model = run.model.slice(run.model.indexOf(':') + 1);
  return {
    run_id: run.id,
    workspace_id: meta.workspace_id ?? path.basename(run.workspace_path),
    workspace_path: run.workspace_path,
    backend: backendOfRun(run),
    prompt: meta.prompt ?? run.prompt,
    context: meta.context ?? {},
    options: {
      model,
      ...(meta.options?.profile !== undefined ? { profile: meta.options.profile } : {}),
      sandbox: sandboxOf(run.policy).mode,
      schema_version: meta.options?.schema_version ?? 'v2',
    },
    attachments: meta.attachments ?? [],
    status: echohelixRunStatus(run.status),
    error: run.error,
    terminal: terminalOf(run),
    created_at: run.created_at,
    updated_at: run.updated_at,
  };
}

// ---- Event v2 ---------------------------------------------------------------------------------

/** Event v2's types (`reference/echohelix-event.v2.schema.json`); the backends listing advertises them. */
export const EVENT_V2_TYPES = ['token', 'tool_call', 'tool_result', 'patch', 'status', 'done', 'error'] as const;
type EventType = (typeof EVENT_V2_TYPES)[number];
type Channel = 'final' | 'working' | 'system';
type Format = 'markdown' | 'plain' | 'json' | 'diff';
type Role = 'assistant' | 'system';

export interface EventV2 {
  run_id: string;
  seq: number;
  ts: string;
  schema_version: 'v2';
  type: EventType;
  channel: Channel;
  format: Format;
  role: Role;
  backend: string;
  /** The canonical event it was mapped from. */
  source: string;
  compat?: { text?: string; status?: string; is_error?: boolean };
  payload?: Record<string, unknown>;
}

type Shape = Pick<EventV2, 'type' | 'channel' | 'format' | 'role'> & Pick<EventV2, 'compat'>;

const status = (compatStatus?: EchohelixRunStatus): Shape => ({
  type: 'status',
  channel: 'system',
  format: 'plain',
  role: 'system',
  ...(compatStatus ? { compat: { status: compatStatus } } : {}),
});

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** How each canonical run event reads in Event v2 (anything else is a `status` event carrying it). */
const SHAPES: Record<string, (data: Record<string, unknown>) => Shape> = {
  run_created: () => status('queued'),
  run_started: () => status('running'),
  run_cancel_requested: () => status('cancelling'),
  // Text as it streams is the agent's work in progress…
  model_output_delta: (d) => ({ type: 'token', channel: 'working', format: 'markdown', role: 'assistant', compat: { text: text(d.text) } }),
  // …and the last answer (a model call that asks for no tool) is the final one, whole.
  model_output_completed: (d) =>
    d.tool_calls === 0 && text(d.text)
      ? { type: 'token', channel: 'final', format: 'markdown', role: 'assistant', compat: { text: text(d.text) } }
      : status(),
  model_output_failed: (d) => ({ type: 'error', channel: 'system', format: 'plain', role: 'system', compat: { text: text(d.message), is_error: true } }),
  tool_call_started: (d) => ({ type: 'tool_call', channel: 'working', format: 'json', role: 'assistant', compat: { text: text(d.command) || text(d.tool_name) } }),
  tool_call_completed: (d) => ({
    type: 'tool_result',
    channel: 'working',
    format: 'plain',
    role: 'assistant',
    compat: { text: text(d.output), is_error: d.is_error === true, ...(d.denied ? { status: 'denied' } : {}) },
  }),
  patch_applied: () => ({ type: 'patch', channel: 'working', format: 'json', role: 'assistant' }),
  run_succeeded: () => ({ type: 'done', channel: 'system', format: 'plain', role: 'system', compat: { status: 'completed', is_error: false } }),
  run_failed: (d) => ({ type: 'done', channel: 'system', format: 'plain', role: 'system', compat: { status: 'failed', text: text(d.message), is_error: true } }),
  run_canceled: (d) => ({ type: 'done', channel: 'system', format: 'plain', role: 'system', compat: { status: 'cancelled', text: text(d.message), is_error: false } }),
};

/**
 * One stored run event as one Event v2 message with the same seq. Every event maps to a message
 * (those without a counterpart become `status` events with the event in `payload`), so `from_seq`
 * resumes exactly where a client left off.
 */
export function toEventV2(runId: string, backend: string, e: StoredEvent): EventV2 {
  const shape = (SHAPES[e.type] ?? (() => status()))(e.data);
  return {
    run_id: runId,
    seq: e.seq,
    ts: e.createdAt.toISOString(),
    schema_version: 'v2',
    ...shape,
    backend,
    source: e.type,
    payload: { ...e.data, event: e.type },
  };
}
