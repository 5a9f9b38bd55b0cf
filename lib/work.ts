/**
 * Status vocabularies, the predicates over them and the permission profiles, re-exported from the
 * server's own plain modules (constants only, no runtime dependencies) so the dashboard offers and
 * compares exactly what the engine uses.
 */
import { isActiveTurn, isRetryableTurn, isTerminalRun, RUN_TERMINAL_EVENTS } from '@/server/core/work/status';
import { PROFILES } from '@/server/core/work/policy';

export { isActiveTurn, isRetryableTurn, isTerminalRun, RUN_TERMINAL_EVENTS };

export const isActiveRun = (status: string): boolean => !isTerminalRun(status);

/** Profile names in a stable order, `default` first. */
export const PROFILE_NAMES: string[] = ['default', ...Object.keys(PROFILES).filter((name) => name !== 'default')];

/** "read allow · write ask · bash ask": what a profile lets the agent do without asking. */
export function describeProfile(name: string): string {
  const policy = PROFILES[name];
  if (!policy) return '';
  return `read ${policy.read} · write ${policy.write} · bash ${policy.bash}`;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'active' | 'neutral';

const TONES: Record<string, Tone> = {
  succeeded: 'ok',
  approved: 'ok',
  idle: 'neutral',
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
