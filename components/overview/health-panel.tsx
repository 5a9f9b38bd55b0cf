'use client';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';

/** What `system.health` reports, refreshed every half minute so a failing database shows up. */
export function HealthPanel() {
  const trpc = useTRPC();
  const health = useQuery(trpc.system.health.queryOptions(undefined, { refetchInterval: 30_000 }));

  return (
    <section className="card stack" aria-labelledby="health-heading">
      <h2 id="health-heading">Server health</h2>
      {health.isPending && <p className="muted">Loading…</p>}
      <ErrorAlert message={health.error ? errorMessage(health.error) : null} />
      {health.data && (
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <span className={health.data.ok ? 'badge badge-ok' : 'badge badge-bad'}>
              {health.data.ok ? 'OK' : 'Database unreachable'}
            </span>
          </dd>
          <dt>Database</dt>
          <dd>{health.data.database === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL'}</dd>
          <dt>Version</dt>
          <dd>{health.data.version}</dd>
          <dt>Uptime</dt>
          <dd>{formatDuration(health.data.uptimeSeconds)}</dd>
        </dl>
      )}
    </section>
  );
}
