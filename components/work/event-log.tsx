'use client';
import { useLayoutEffect, useRef } from 'react';
import { eventTone, type LogEntry } from '@/lib/events';
import { formatTime } from '@/lib/format';

/**
 * The live event log, newest at the bottom. It follows new events while the reader is at the
 * bottom and stays put once they scroll up to read something.
 */
export function EventLog({ entries, label = 'Event log' }: { entries: LogEntry[]; label?: string }) {
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);

  useLayoutEffect(() => {
    const el = list.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [entries]);

  if (entries.length === 0) return <p className="muted">No events yet.</p>;
  return (
    <ol
      ref={list}
      className="event-log"
      aria-label={label}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {entries.map((entry) => (
        <li key={entry.seq} data-tone={eventTone(entry.type)}>
          <span className="event-seq">#{entry.seq}</span>
          <span className="event-time">{formatTime(entry.ts)}</span>
          <span className="event-type">
            {entry.type}
            {entry.count > 1 ? ` ×${entry.count}` : ''}
          </span>
          <span className="event-summary">{entry.summary}</span>
        </li>
      ))}
    </ol>
  );
}
