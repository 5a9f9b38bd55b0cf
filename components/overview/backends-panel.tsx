'use client';
import { formatDateTime } from '@/lib/format';
import type { OverviewBackend } from './types';
import styles from './overview.module.css';

const BADGES: Record<OverviewBackend['availability'], { className: string; label: string }> = {
  available: { className: 'badge badge-ok', label: 'available' },
  unavailable: { className: 'badge badge-bad', label: 'unavailable' },
  checking: { className: 'badge badge-neutral', label: 'checking' },
};

/** The backends this server found, and whether each answered its last health probe. */
export function BackendsPanel({ backends }: { backends: OverviewBackend[] }) {
  return (
    <section className="card stack" aria-labelledby="overview-backends-heading" data-testid="overview-backends">
      <h2 id="overview-backends-heading">Backends</h2>
      {backends.length === 0 ? (
        <p className="muted">This server found no backend.</p>
      ) : (
        <ul className={styles.list} aria-label="Backends">
          {backends.map((b) => (
            <li key={b.provider} className={styles.item}>
              <div className={styles.itemHead}>
                <strong className={styles.itemTitle}>{b.provider}</strong>
                <span className={BADGES[b.availability].className}>{BADGES[b.availability].label}</span>
              </div>
              <span className={styles.itemMeta}>
                {b.kind === 'api' ? 'API' : 'CLI agent'} · {b.models} {b.models === 1 ? 'model' : 'models'} · {b.message}
                {b.checked_at ? ` · checked ${formatDateTime(b.checked_at)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
