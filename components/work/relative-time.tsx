'use client';
import { useEffect, useState } from 'react';
import { formatDateTime, formatDuration } from '@/lib/format';

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** "3 min. ago", "yesterday": how long ago `iso` was, as of `now`. */
export function formatRelative(iso: string, now: number): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  if (Number.isNaN(seconds)) return iso;
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'minute') return relative.format(Math.round(seconds / size), unit);
  }
  return iso;
}

/** The current time, moving on every `everyMs` (only to re-word relative times; nothing is fetched). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** A time as "5 min. ago", the exact date and time in its title (and to assistive technology via datetime). */
export function RelativeTime({ iso, now, empty = '—' }: { iso: string | null; now: number; empty?: string }) {
  if (!iso) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}

/** How long something took (or has been going, while `end` is null and it is active). */
export function Elapsed({ start, end, active, now }: { start: string | null; end: string | null; active: boolean; now: number }) {
  if (!start) return <span className="muted">—</span>;
  const until = end ? new Date(end).getTime() : active ? now : null;
  if (until === null) return <span className="muted">—</span>;
  const seconds = Math.max(0, (until - new Date(start).getTime()) / 1000);
  return <span title={end ? `${formatDateTime(start)} – ${formatDateTime(end)}` : `Since ${formatDateTime(start)}`}>{formatDuration(seconds)}{end ? '' : ' so far'}</span>;
}
