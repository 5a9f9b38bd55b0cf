/**
 * The dashboard's copy of the server's status vocabulary and permission profiles. Browser code
 * takes only types from server/* (a value import would pull server modules into the bundle and
 * let the browser depend on server internals), so the few values it needs are kept here as plain
 * data, typed by the server's own unions: a profile or status the server renames stops compiling
 * here, and lib/work.test.ts checks that every answer (and every profile's policy) equals the
 * server's.
 */
import type { PermissionPolicy } from '@/db/schema';
import type { ProfileName } from '@/server/core/work/policy';
import type { RunStatus, TurnStatus } from '@/server/core/work/status';

const TERMINAL_RUN: ReadonlySet<string> = new Set<RunStatus>(['succeeded', 'failed', 'canceled']);
const TERMINAL_TURN: ReadonlySet<string> = new Set<TurnStatus>(['succeeded', 'failed', 'canceled', 'interrupted']);
const RETRYABLE_TURN: ReadonlySet<string> = new Set<TurnStatus>(['failed', 'canceled', 'interrupted']);

export const isTerminalRun = (status: string): boolean => TERMINAL_RUN.has(status);
export const isActiveRun = (status: string): boolean => !TERMINAL_RUN.has(status);
export const isActiveTurn = (status: string): boolean => !TERMINAL_TURN.has(status);
export const isRetryableTurn = (status: string): boolean => RETRYABLE_TURN.has(status);

/** Event types that end a run's stream: a reader may close after one of these. */
export const RUN_TERMINAL_EVENTS: ReadonlySet<string> = new Set(['run_succeeded', 'run_failed', 'run_canceled']);

/** What each named profile lets the agent do, in the order the dashboard offers them (`default` first). */
export const PROFILES: Record<ProfileName, PermissionPolicy> = {
  default: { profile: 'default', read: 'allow', write: 'ask', bash: 'ask', sandbox: 'workspace-write', network: false },
  trusted: { profile: 'trusted', read: 'allow', write: 'allow', bash: 'allow', sandbox: 'workspace-write', network: false },
  'accept-edits': { profile: 'accept-edits', read: 'allow', write: 'allow', bash: 'ask', sandbox: 'workspace-write', network: false },
  'read-only': { profile: 'read-only', read: 'allow', write: 'deny', bash: 'deny', sandbox: 'read-only', network: false },
  strict: { profile: 'strict', read: 'ask', write: 'ask', bash: 'ask', sandbox: 'workspace-write', network: false },
};

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** "read allow · write ask · bash ask": what a profile lets the agent do without asking. */
export function describeProfile(name: string): string {
  const policy = Object.hasOwn(PROFILES, name) ? PROFILES[name as ProfileName] : undefined;
  if (!policy) return '';
  return `read ${policy.read} · write ${policy.write} · bash ${policy.bash}`;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'active' | 'neutral';

const TONES: Record<string, Tone> = {
  succeeded: 'ok',
  approved: 'ok',
  idle: 'neutral',
  completed: 'ok',
  active: 'active',
  failed: 'bad',
  denied: 'bad',
  expired: 'bad',
  interrupted: 'bad',
  canceled: 'neutral',
  closed: 'neutral',
  skipped: 'neutral',
  queued: 'neutral',
  pending: 'neutral',
  running: 'active',
  waiting_approval: 'warn',
};

export function statusTone(status: string): Tone {
  return TONES[status] ?? 'neutral';
}

/** `waiting_approval` → "waiting for approval"; the rest are words already. */
export function statusLabel(status: string): string {
  return status === 'waiting_approval' ? 'waiting for approval' : status.replace(/_/g, ' ');
}

/**
 * A session's status in the words its REST shape uses: an idle session is `completed` once a turn
 * has finished (`active` before its first), a running one `active`, a closed one `canceled`.
 */
export function sessionStatusWord(session: { status: string; last_turn_id: string | null }): string {
  switch (session.status) {
    case 'idle':
      return session.last_turn_id ? 'completed' : 'active';
    case 'running':
      return 'active';
    case 'closed':
      return 'canceled';
    default:
      return session.status;
  }
}
