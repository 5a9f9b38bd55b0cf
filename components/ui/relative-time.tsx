'use client';
import { useSyncExternalStore } from 'react';

/**
 * "3 min ago" for a moment, with the exact date and time in its title (and as `dateTime` for
 * machines). Every RelativeTime on a page shares one clock that ticks every 15 s, so the words stay
 * current without one timer each.
 */
export function RelativeTime({ value, className }: { value: string | Date | null | undefined; className?: string }) {
  const now = useSyncExternalStore(subscribeToClock, readClock, readClock);
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return <span className={className}>{String(value)}</span>;
  return (
    <time className={['relative-time', className].filter(Boolean).join(' ')} dateTime={date.toISOString()} title={exactTime.format(date)} suppressHydrationWarning>
      {formatRelative(date.getTime(), now)}
    </time>
  );
}

const exactTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['minute', 60],
  ['hour', 3_600],
  ['day', 86_400],
];

/** Relative words for `time` seen at `now` (both in ms): "just now", "5 min. ago", "in 2 hr.", "yesterday"; older than a week: the date. */
export function formatRelative(time: number, now: number): string {
  const seconds = Math.round((time - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds > 0 ? 'in a moment' : 'just now';
  if (abs >= 7 * 86_400) return shortDate.format(time);
  let unit: Intl.RelativeTimeFormatUnit = 'minute';
  let size = 60;
  for (const [u, s] of UNITS) {
    if (abs >= s) {
      unit = u;
      size = s;
    }
  }
  return relative.format(Math.round(seconds / size), unit);
}

const TICK_MS = 15_000;
const listeners = new Set<() => void>();
let clock = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribeToClock(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    clock = Date.now();
    timer = setInterval(() => {
      clock = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function readClock(): number {
  return clock;
}
