/**
 * Status vocabularies and the predicates over them, in one place: nothing else compares status
 * strings (server/core/work/status-literals.test.ts holds the rest of server/ to that). Each
 * question is asked once, as a named set: JavaScript asks the predicate, SQL filters with
 * `inArray(column, SET)`, so both always mean the same statuses. Dialects translate these canonical
 * values into their own at the edge, through lookup tables rather than comparisons.
 *
 * Plain constants and functions only: the dashboard imports this module too.
 */
export const RUN_STATUSES = ['queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'canceled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TURN_STATUSES = ['pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'canceled', 'interrupted'] as const;
export type TurnStatus = (typeof TURN_STATUSES)[number];

export const SESSION_STATUSES = ['idle', 'running', 'waiting_approval', 'failed', 'closed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const STEP_STATUSES = ['pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const APPROVAL_STATUSES = ['pending', 'approved', 'denied', 'expired'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** How a stop request ends a turn: `interrupted` (EchoHelix/Aegis interrupt) or `canceled`. */
export const TURN_STOP_OUTCOMES = ['canceled', 'interrupted'] as const satisfies readonly TurnStatus[];
export type TurnStopOutcome = (typeof TURN_STOP_OUTCOMES)[number];

/** Runs that have not ended yet. */
export const ACTIVE_RUN_STATUSES = ['queued', 'running', 'waiting_approval'] as const satisfies readonly RunStatus[];
/**
 * Runs that exist but that no process is executing right now (not yet claimed, or parked until a
 * human decides), so a cancel can end them in place.
 */
export const PARKED_RUN_STATUSES = ['queued', 'waiting_approval'] as const satisfies readonly RunStatus[];
export const TERMINAL_RUN_STATUSES = ['succeeded', 'failed', 'canceled'] as const satisfies readonly RunStatus[];

/** Turns that have not ended yet: a session has at most one. */
export const ACTIVE_TURN_STATUSES = ['pending', 'running', 'waiting_approval'] as const satisfies readonly TurnStatus[];
/** Active turns that no process is executing right now (see PARKED_RUN_STATUSES). */
export const PARKED_TURN_STATUSES = ['pending', 'waiting_approval'] as const satisfies readonly TurnStatus[];
export const TERMINAL_TURN_STATUSES = ['succeeded', 'failed', 'canceled', 'interrupted'] as const satisfies readonly TurnStatus[];
/** Turns that ended without success (failed, or stopped on request). */
export const UNSUCCESSFUL_TURN_STATUSES = ['failed', 'canceled', 'interrupted'] as const satisfies readonly TurnStatus[];
/** A turn that ended without success may be tried again with the same input. */
export const RETRYABLE_TURN_STATUSES = UNSUCCESSFUL_TURN_STATUSES;

/** Approvals still waiting for a human (a one-element set, so SQL filters read like the rest). */
export const PENDING_APPROVAL_STATUSES = ['pending'] as const satisfies readonly ApprovalStatus[];

const member = (set: readonly string[]) => {
  const members = new Set<string>(set);
  return (status: string): boolean => members.has(status);
};

export const isTerminalRun = member(TERMINAL_RUN_STATUSES);
export const isActiveRun = member(ACTIVE_RUN_STATUSES);
export const isParkedRun = member(PARKED_RUN_STATUSES);

export const isTerminalTurn = member(TERMINAL_TURN_STATUSES);
export const isActiveTurn = member(ACTIVE_TURN_STATUSES);
export const isParkedTurn = member(PARKED_TURN_STATUSES);
export const isUnsuccessfulTurn = member(UNSUCCESSFUL_TURN_STATUSES);
export const isRetryableTurn = member(RETRYABLE_TURN_STATUSES);

/** A closed session takes no more messages. */
export const isClosedSession = member(['closed'] satisfies SessionStatus[]);

export const isPendingApproval = member(PENDING_APPROVAL_STATUSES);

/** Event types that end a run's stream: a reader may close after one of these. */
export const RUN_TERMINAL_EVENTS = new Set(['run_succeeded', 'run_failed', 'run_canceled']);

// ---- Questions the executor, the sweep and the transitions ask ------------------------------

export const isTurnStopOutcome = (status: string | null | undefined): status is TurnStopOutcome =>
  (TURN_STOP_OUTCOMES as readonly (string | null | undefined)[]).includes(status);

/**
 * Work a worker should be advancing: not started yet, or running. (Work waiting for a human is
 * parked, and ended work is done.) Such work with no live lease lost its process.
 */
export const RUNNABLE_RUN_STATUSES = ['queued', 'running'] as const satisfies readonly RunStatus[];
export const RUNNABLE_TURN_STATUSES = ['pending', 'running'] as const satisfies readonly TurnStatus[];

/** Sessions that still take turns (every status but `closed`). */
export const OPEN_SESSION_STATUSES = ['idle', 'running', 'waiting_approval', 'failed'] as const satisfies readonly SessionStatus[];

/** Steps that ended (a refused tool call is `skipped`). */
export const TERMINAL_STEP_STATUSES = ['succeeded', 'failed', 'skipped'] as const satisfies readonly StepStatus[];
export const isTerminalStep = member(TERMINAL_STEP_STATUSES);

/** A run, turn or step nobody has started yet: a queued run, a pending turn or step. */
export const isUnstarted = member(['queued', 'pending'] satisfies Array<RunStatus | TurnStatus | StepStatus>);
/** A run, turn, session or step that is executing (or was, when its process died). */
export const isRunning = member(['running'] satisfies Array<RunStatus | TurnStatus | SessionStatus | StepStatus>);
/** A run, turn, session or step parked until a human decides on an approval. */
export const isWaitingApproval = member(['waiting_approval'] satisfies Array<RunStatus | TurnStatus | SessionStatus | StepStatus>);
export const isSucceeded = member(['succeeded'] satisfies Array<RunStatus | TurnStatus | StepStatus>);
export const isFailed = member(['failed'] satisfies Array<RunStatus | TurnStatus | SessionStatus | StepStatus>);

export const isApproved = member(['approved'] satisfies ApprovalStatus[]);
