'use client';
import { useEffect, useState } from 'react';
import { formatDateTime, formatDuration } from '@/lib/format';
import styles from './approvals.module.css';

/** "Times out in 4m 12s", ticking once a second on the viewer's clock; the exact time is in the title. */
export function Countdown({ until }: { until: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.floor((new Date(until).getTime() - now) / 1000));
  return (
    <span className={styles.countdown} title={formatDateTime(until)}>
      {left > 0 ? `Times out in ${formatDuration(left)}${left < 3600 && left >= 60 ? ` ${left % 60}s` : ''}` : 'Timing out…'}
    </span>
  );
}
