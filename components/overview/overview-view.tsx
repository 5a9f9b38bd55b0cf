'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { usePrincipal } from '@/components/shell/principal-context';
import { ErrorAlert } from '@/components/ui/error-alert';
import { LiveStatus } from '@/components/work/live-status';
import { ActiveRuns, ActiveSessions } from './active-work';
import { BackendsPanel } from './backends-panel';
import { EmergencyControl } from './emergency-control';
import { formatCost } from './format';
import { HealthPanel } from './health-panel';
import { PendingApprovals } from './pending-approvals';
import { PrincipalPanel } from './principal-panel';
import { RecentFailures } from './recent-failures';
import type { Overview } from './types';
import { UsageToday } from './usage-today';
import { useGlobalChanges } from './use-global-changes';
import styles from './overview.module.css';

/** The counts at a glance: what waits, what runs, what today cost. */
function Tiles({ overview }: { overview: Overview }) {
  const runs = overview.runs;
  return (
    <dl className={styles.tiles} aria-label="At a glance" data-testid="overview-tiles">
      <div className={styles.tile}>
        <dt>Pending approvals</dt>
        <dd data-testid="tile-approvals">{overview.approvals.pending}</dd>
      </div>
      {runs && (
        <div className={styles.tile}>
          <dt>Active runs</dt>
          <dd data-testid="tile-runs">
            {runs.active}
            <span className={styles.tileNote}>
              {runs.running} running · {runs.waiting_approval} waiting · {runs.queued} queued
            </span>
          </dd>
        </div>
      )}
      {overview.sessions && (
        <div className={styles.tile}>
          <dt>Active sessions</dt>
          <dd data-testid="tile-sessions">{overview.sessions.active}</dd>
        </div>
      )}
      {overview.usage_today && (
        <div className={styles.tile}>
          <dt>Cost today</dt>
          <dd data-testid="tile-cost">{formatCost(overview.usage_today.cost_usd)}</dd>
        </div>
      )}
    </dl>
  );
}

/**
 * What needs the operator now: pending approvals first (decided inline), active runs and sessions,
 * today's usage against the quotas, the backends, recent failures and, for the admin, the emergency
 * stop. One read (`overview.get`), kept current by the global stream: every change the principal may
 * see refetches it (bursts coalesced), from the position that read was consistent with.
 */
export function OverviewView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const principal = usePrincipal();
  const isAdmin = principal.scopes.includes('admin');
  const mayRead = isAdmin || principal.scopes.includes('runs:read') || principal.scopes.includes('sessions:read');

  const overview = useQuery(trpc.overview.get.queryOptions(undefined, { enabled: mayRead, refetchOnMount: 'always' }));
  const emergency = useQuery(trpc.emergency.status.queryOptions(undefined, { enabled: isAdmin }));
  const live = useGlobalChanges((change) => {
    void queryClient.invalidateQueries(trpc.overview.get.queryFilter());
    void queryClient.invalidateQueries(trpc.approvals.list.pathFilter());
    if (change.emergency) void queryClient.invalidateQueries(trpc.emergency.status.queryFilter());
  });

  const data = overview.data;
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Overview</h1>
        <span className="spacer" />
        {data && <LiveStatus state={live.state} onReconnect={live.reconnect} />}
      </div>
      {!mayRead && <p className="muted">This credential may not read runs or sessions, so there is nothing to show here.</p>}
      {mayRead && overview.isPending && <p className="muted">Loading the overview…</p>}
      <ErrorAlert message={overview.error ? `The overview could not be loaded: ${errorMessage(overview.error)}` : null} />
      {data && (
        <>
          <PendingApprovals approvals={data.approvals} />
          <Tiles overview={data} />
          {(data.runs || data.sessions) && (
            <div className="grid-2">
              {data.runs && <ActiveRuns runs={data.runs} showOwner={data.scope === 'all'} />}
              {data.sessions && <ActiveSessions sessions={data.sessions} showOwner={data.scope === 'all'} />}
            </div>
          )}
          <div className="grid-2">
            {data.usage_today && <UsageToday usage={data.usage_today} scope={data.scope} />}
            {data.backends && <BackendsPanel backends={data.backends} />}
          </div>
          <div className="grid-2">
            <RecentFailures failures={data.failures} />
            {isAdmin && <EmergencyControl state={emergency.data ?? data.emergency} />}
          </div>
        </>
      )}
      <div className="grid-2">
        <HealthPanel />
        <PrincipalPanel />
      </div>
    </div>
  );
}
