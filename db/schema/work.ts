/**
 * Runs, sessions, turns, messages, steps and approvals: the state the engine moves forward.
 * Status columns hold the canonical vocabulary of server/core/work/status.ts; dialects map it.
 */
import { relations } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { ApprovalStatus, RunStatus, SessionStatus, StepStatus, TurnStatus, TurnStopOutcome } from '@/server/core/work/status';

export interface PermissionPolicy {
  read: 'allow' | 'ask' | 'deny';
  write: 'allow' | 'ask' | 'deny';
  bash: 'allow' | 'ask' | 'deny';
  /** Named profile the policy came from, for display. */
  profile?: string;
  /** What an unanswered approval becomes after `approvalTimeoutMs`. */
  onTimeout?: 'deny' | 'approve';
  approvalTimeoutMs?: number;
  /** What the sandbox lets the agent's commands touch; absent means `workspace-write`. */
  sandbox?: 'read-only' | 'workspace-write' | 'danger-full-access';
  /** Network access for the agent's commands; absent means none. */
  network?: boolean;
}

/** `spec` sessions keep a spec file the agent drafts and refines; `chat` ones just talk. */
export const SESSION_MODES = ['chat', 'spec'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const workspace = pgTable('workspace', {
  id: text('id').primaryKey(),
  // Realpath, under one of WORKSPACE_ROOTS.
  path: text('path').notNull().unique(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const run = pgTable(
  'run',
  {
    id: text('id').primaryKey(),
    workspacePath: text('workspace_path').notNull(),
    specPath: text('spec_path'),
    prompt: text('prompt').notNull(),
    modelRef: text('model_ref').notNull(),
    status: text('status').$type<RunStatus>().notNull(),
    policy: jsonb('policy').$type<PermissionPolicy>().notNull(),
    error: text('error'),
    // Which face created it (agentd, echohelix, autopack, dashboard…): dialect-specific fields live in metadata.
    origin: text('origin').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdBy: text('created_by').notNull(),
    // Whose object it is (a user id, or `admin`): every read and action is scoped by it.
    ownerId: text('owner_id').notNull(),
    cancelRequestedAt: ts('cancel_requested_at'),
    // The process advancing it holds a lease it keeps renewing; an expired lease means that process
    // died, and another (or the restarted one) takes the work over.
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: ts('lease_expires_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
  },
  (t) => [index('run_created_idx').on(t.createdAt), index('run_status_idx').on(t.status), index('run_owner_idx').on(t.ownerId, t.createdAt)],
);

export const agentSession = pgTable(
  'agent_session',
  {
    id: text('id').primaryKey(),
    workspacePath: text('workspace_path').notNull(),
    status: text('status').$type<SessionStatus>().notNull(),
    mode: text('mode').$type<SessionMode>().notNull().default('chat'),
    specPath: text('spec_path'),
    systemPrompt: text('system_prompt'),
    modelRef: text('model_ref').notNull(),
    title: text('title'),
    policy: jsonb('policy').$type<PermissionPolicy>().notNull(),
    autoRun: boolean('auto_run').notNull().default(true),
    origin: text('origin').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    parentId: text('parent_id'),
    lastTurnId: text('last_turn_id'),
    error: text('error'),
    createdBy: text('created_by').notNull(),
    // Whose object it is (a user id, or `admin`): every read and action is scoped by it.
    ownerId: text('owner_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    closedAt: ts('closed_at'),
  },
  (t) => [index('agent_session_created_idx').on(t.createdAt), index('agent_session_owner_idx').on(t.ownerId, t.createdAt)],
);

export const turn = pgTable(
  'turn',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => agentSession.id, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    status: text('status').$type<TurnStatus>().notNull(),
    error: text('error'),
    // A retry is a new turn that points at the failed one; the failed one keeps its history.
    retryOf: text('retry_of'),
    cancelRequestedAt: ts('cancel_requested_at'),
    // Why it was cancelled: `interrupted` (EchoHelix/Aegis interrupt) or `canceled`.
    cancelAs: text('cancel_as').$type<TurnStopOutcome>(),
    // The process advancing it holds a lease it keeps renewing; an expired lease means that process
    // died, and another (or the restarted one) takes the work over.
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: ts('lease_expires_at'),

    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
  },
  (t) => [uniqueIndex('turn_session_index_idx').on(t.sessionId, t.index)],
);

export interface MessagePart {
  type: 'text' | 'image' | 'tool_use' | 'tool_result';
  text?: string;
  ref?: string;
  mime_type?: string;
  tool_call_id?: string;
  tool_name?: string;
  tool_input?: unknown;
  is_error?: boolean;
}

export const message = pgTable(
  'message',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => agentSession.id, { onDelete: 'cascade' }),
    turnId: text('turn_id'),
    sequence: integer('sequence').notNull(),
    role: text('role').notNull(),
    parts: jsonb('parts').$type<MessagePart[]>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('message_session_sequence_idx').on(t.sessionId, t.sequence)],
);

/**
 * One model call or one tool call of a run or turn. A finished step keeps its output, so work that
 * resumes after a crash replays finished steps from here instead of calling the model again.
 */
export const step = pgTable(
  'step',
  {
    id: text('id').primaryKey(),
    // The run or turn the step belongs to.
    ownerId: text('owner_id').notNull(),
    index: integer('index').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    status: text('status').$type<StepStatus>().notNull(),
    needsApproval: boolean('needs_approval').notNull().default(false),
    toolName: text('tool_name'),
    toolCallId: text('tool_call_id'),
    command: text('command'),
    input: jsonb('input'),
    output: jsonb('output'),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
  },
  (t) => [uniqueIndex('step_owner_index_idx').on(t.ownerId, t.index)],
);

export const approval = pgTable(
  'approval',
  {
    id: text('id').primaryKey(),
    runId: text('run_id'),
    sessionId: text('session_id'),
    turnId: text('turn_id'),
    stepId: text('step_id').notNull().unique(),
    toolCallId: text('tool_call_id').notNull(),
    toolName: text('tool_name').notNull(),
    category: text('category').notNull(),
    summary: text('summary').notNull(),
    input: jsonb('input'),
    status: text('status').$type<ApprovalStatus>().notNull(),
    // The owner of the run or session that asked.
    ownerId: text('owner_id').notNull(),
    decidedBy: text('decided_by'),
    reason: text('reason'),
    createdAt: ts('created_at').notNull().defaultNow(),
    decidedAt: ts('decided_at'),
    expiresAt: ts('expires_at'),
  },
  (t) => [index('approval_status_idx').on(t.status), index('approval_owner_idx').on(t.ownerId, t.createdAt)],
);

/**
 * A request an interactive backend (Codex's app-server) sent the server during a turn: an approval
 * of a command or a patch (then also a row in `approval`, so every face can decide it), a question
 * for the user, a dynamic tool call. It stays pending until a client resolves it; the answer is
 * passed back to the backend as the JSON-RPC response.
 */
export const sessionRequest = pgTable(
  'session_request',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => agentSession.id, { onDelete: 'cascade' }),
    turnId: text('turn_id'),
    // The backend's JSON-RPC method (`item/commandExecution/requestApproval`, …) and params, as sent.
    method: text('method').notNull(),
    kind: text('kind').$type<'approval' | 'request_user_input' | 'dynamic_tool' | 'unsupported'>().notNull(),
    params: jsonb('params').notNull(),
    // The core approval standing for it, when it is one.
    approvalId: text('approval_id'),
    ownerId: text('owner_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    resolvedAt: ts('resolved_at'),
    // What the client answered: a JSON-RPC result, or an error object.
    result: jsonb('result'),
    error: jsonb('error'),
  },
  (t) => [index('session_request_session_idx').on(t.sessionId, t.createdAt)],
);

// For reading a page of sessions with their messages and turns in one statement.
export const agentSessionRelations = relations(agentSession, ({ many }) => ({ messages: many(message), turns: many(turn) }));
export const messageRelations = relations(message, ({ one }) => ({ session: one(agentSession, { fields: [message.sessionId], references: [agentSession.id] }) }));
export const turnRelations = relations(turn, ({ one }) => ({ session: one(agentSession, { fields: [turn.sessionId], references: [agentSession.id] }) }));
// For reading a run with its steps in one statement (a step's owner is a run or a turn; only runs use this).
export const runRelations = relations(run, ({ many }) => ({ steps: many(step) }));
export const stepRelations = relations(step, ({ one }) => ({ run: one(run, { fields: [step.ownerId], references: [run.id] }) }));
