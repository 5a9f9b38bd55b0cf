'use client';
import Link from 'next/link';
import { formatDateTime } from '@/lib/format';
import type { OverviewFailure } from './types';
import styles from './overview.module.css';

/** The latest runs and session turns that failed, newest first, with the reason in their words. */
export function RecentFailures({ failures }: { failures: OverviewFailure[] }) {
  return (
    <section className="card stack" aria-labelledby="overview-failures-heading" data-testid="overview-failures">
      <h2 id="overview-failures-heading">Recent failures</h2>
      {failures.length === 0 ? (
        <p className="muted">Nothing has failed.</p>
      ) : (
        <ul className={styles.list} aria-label="Recent failures">
          {failures.map((f) => (
            <li key={`${f.kind}:${f.id}`} className={styles.item}>
              <div className={styles.itemHead}>
                <Link href={f.kind === 'run' ? `/app/runs/${f.parent_id}` : `/app/sessions/${f.parent_id}`} className={styles.itemTitle}>
                  {f.title || f.id}
                </Link>
                <span className="muted">{f.kind === 'run' ? 'run' : 'session turn'}</span>
              </div>
              {f.error && <span className={styles.itemError}>{f.error}</span>}
              <span className={styles.itemMeta}>{formatDateTime(f.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
