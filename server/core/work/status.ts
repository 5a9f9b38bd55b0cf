/**
 * Status vocabularies and the predicates over them, in one place: nothing else compares status
 * strings. Dialects translate these canonical values into their own at the edge.
 */
export const RUN_STATUSES = ['queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'canceled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TURN_STATUSES = ['pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'canceled', 'interrupted'] as const;
export type TurnStatus = (typeof TURN_STATUSES)[number];

export const SESSION_STATUSES = ['idle', 'running', 'waiting_approval', 'failed', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const STEP_STATUSES = ['pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

const TERMINAL_RUN = new Set<string>(['succeeded', 'failed', 'canceled']);
const TERMINAL_TURN = new Set<string>(['succeeded', 'failed', 'canceled', 'interrupted']);

export const isTerminalRun = (status: string): boolean => TERMINAL_RUN.has(status);
export const isTerminalTurn = (status: string): boolean => TERMINAL_TURN.has(status);
export const isActiveTurn = (status: string): boolean => !TERMINAL_TURN.has(status);
export const isRetryableTurn = (status: string): boolean => status === 'failed' || status === 'canceled' || status === 'interrupted';

/** Event types that end a run's stream: a reader may close after one of these. */
export const RUN_TERMINAL_EVENTS = new Set(['run_succeeded', 'run_failed', 'run_canceled']);
