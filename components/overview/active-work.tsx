'use client';
import Link from 'next/link';
import { formatDateTime } from '@/lib/format';
import { StatusBadge } from '@/components/ui/status-badge';
import type { Overview } from './types';
import styles from './overview.module.css';

function More({ shown, total, href, what }: { shown: number; total: number; href: string; what: string }) {
  if (total <= shown) return null;
  return (
    <p className="muted">
      {total - shown} more {what} on the <Link href={href}>{what} page</Link>.
    </p>
  );
}

/** The runs that have not ended yet, newest first, each with its live status. */
export function ActiveRuns({ runs, showOwner }: { runs: NonNullable<Overview['runs']>; showOwner: boolean }) {
  return (
    <section className="card stack" aria-labelledby="overview-runs-heading" data-testid="overview-runs">
      <div className="page-head">
        <h2 id="overview-runs-heading">Active runs</h2>
        <span className="spacer" />
        <Link href="/app/runs">All runs</Link>
      </div>
      {runs.items.length === 0 ? (
        <p className="muted">No run is active.</p>
      ) : (
        <ul className={styles.list} aria-label="Active runs">
          {runs.items.map((r) => (
            <li key={r.id} className={styles.item}>
              <div className={styles.itemHead}>
                <Link href={`/app/runs/${r.id}`} className={styles.itemTitle}>
                  {r.prompt || r.id}
                </Link>
                <StatusBadge status={r.status} />
              </div>
              <span className={styles.itemMeta}>
                {r.workspace_path} · {r.model_ref} · {r.origin}
                {showOwner ? ` · owner ${r.owner_id}` : ''} · started {formatDateTime(r.created_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <More shown={runs.items.length} total={runs.active} href="/app/runs" what="runs" />
    </section>
  );
}

/** Sessions with a turn in progress, each with the turn's status. */
export function ActiveSessions({ sessions, showOwner }: { sessions: NonNullable<Overview['sessions']>; showOwner: boolean }) {
  return (
    <section className="card stack" aria-labelledby="overview-sessions-heading" data-testid="overview-sessions">
      <div className="page-head">
        <h2 id="overview-sessions-heading">Active sessions</h2>
        <span className="spacer" />
        <Link href="/app/sessions">All sessions</Link>
      </div>
      {sessions.items.length === 0 ? (
        <p className="muted">No session is working on a turn.</p>
      ) : (
        <ul className={styles.list} aria-label="Active sessions">
          {sessions.items.map((s) => (
            <li key={s.id} className={styles.item}>
              <div className={styles.itemHead}>
                <Link href={`/app/sessions/${s.id}`} className={styles.itemTitle}>
                  {s.title || 'Untitled session'}
                </Link>
                <StatusBadge status={s.turn_status} />
              </div>
              <span className={styles.itemMeta}>
                {s.workspace_path} · {s.model_ref} · {s.origin}
                {showOwner ? ` · owner ${s.owner_id}` : ''} · updated {formatDateTime(s.updated_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <More shown={sessions.items.length} total={sessions.active} href="/app/sessions" what="sessions" />
    </section>
  );
}
