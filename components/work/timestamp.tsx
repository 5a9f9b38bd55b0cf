import { formatDateTime, formatExact, formatTime } from '@/lib/format';

/** A time to the second, with the exact instant (milliseconds, zone) on hover and for assistive tech. */
export function Timestamp({ iso, empty = 'Not yet', timeOnly = false }: { iso: string | null | undefined; empty?: string; timeOnly?: boolean }) {
  if (!iso) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={formatExact(iso)}>
      {timeOnly ? formatTime(iso) : formatDateTime(iso)}
    </time>
  );
}
