'use client';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import type { RunStatus } from '@/server/core/work/status';
import { ErrorAlert } from '@/components/ui/error-alert';
import { distinct, emptyMessage, ListFilterBar, listInput, useListParams } from '@/components/work/list-filters';
import { LiveStatus } from '@/components/work/live-status';
import { Pager } from '@/components/work/pager';
import { useNow } from '@/components/work/relative-time';
import { useLiveList } from '@/components/work/use-live-list';
import { NewRunForm } from './new-run-form';
import { RunsTable } from './runs-table';

const PAGE = 50;
const RUN_STATUSES = ['queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'canceled'] as const satisfies readonly RunStatus[];

export function RunsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { params, update, hrefWith } = useListParams();
  const me = useQuery(trpc.auth.me.queryOptions());
  const runs = useQuery(trpc.runs.list.queryOptions(listInput(params, RUN_STATUSES, PAGE), { placeholderData: keepPreviousData, refetchOnMount: 'always' }));
  // Any run created, changed or finished — through the dashboard, a dialect or another client — refreshes the page shown.
  const live = useLiveList(['run:'], () => void queryClient.invalidateQueries(trpc.runs.list.pathFilter()));
  const now = useNow();
  const shown = runs.data?.runs ?? [];

  return (
    <div className="stack">
      <h1>Runs</h1>
      <p className="muted">A run is one task carried out by an agent in a workspace, from a prompt or a spec, until it succeeds, fails or is canceled.</p>
      <NewRunForm />
      <section className="card stack" aria-labelledby="runs-heading">
        <div className="form-actions" style={{ justifyContent: 'space-between' }}>
          <h2 id="runs-heading">Recent runs</h2>
          <LiveStatus state={live.state} onReconnect={live.reconnect} />
        </div>
        <ListFilterBar
          label="Filter runs"
          searchLabel="Search prompts"
          params={params}
          onChange={update}
          statuses={RUN_STATUSES}
          showOwner={me.data?.scopes.includes('admin') ?? false}
          workspaces={distinct(shown.map((r) => r.workspace_path))}
          models={distinct(shown.map((r) => r.model))}
        />
        {runs.isPending && <p className="muted">Loading runs…</p>}
        <ErrorAlert message={runs.error ? errorMessage(runs.error) : null} />
        {runs.data && (
          <>
            <RunsTable runs={runs.data.runs} now={now} hrefWith={hrefWith} empty={emptyMessage(params, 'No runs yet. Start one above.', 'runs')} />
            <Pager label="Runs pages" offset={(params.page - 1) * PAGE} limit={PAGE} total={runs.data.total} onChange={(offset) => update({ page: Math.floor(offset / PAGE) + 1 })} />
          </>
        )}
      </section>
    </div>
  );
}
