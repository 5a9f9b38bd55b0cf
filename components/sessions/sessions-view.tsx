'use client';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import type { SessionStatus } from '@/server/core/work/status';
import { ErrorAlert } from '@/components/ui/error-alert';
import { distinct, emptyMessage, ListFilterBar, listInput, useListParams } from '@/components/work/list-filters';
import { LiveStatus } from '@/components/work/live-status';
import { Pager } from '@/components/work/pager';
import { useNow } from '@/components/work/relative-time';
import { useLiveList } from '@/components/work/use-live-list';
import { NewSessionForm } from './new-session-form';
import { SessionsTable } from './sessions-table';

const PAGE = 50;
const SESSION_STATUSES = ['idle', 'running', 'waiting_approval', 'failed', 'closed'] as const satisfies readonly SessionStatus[];

export function SessionsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { params, update, hrefWith } = useListParams();
  const me = useQuery(trpc.auth.me.queryOptions());
  const sessions = useQuery(trpc.sessions.list.queryOptions(listInput(params, SESSION_STATUSES, PAGE), { placeholderData: keepPreviousData, refetchOnMount: 'always' }));
  // Any session created, changed or answered — through the dashboard, a dialect or another client — refreshes the page shown.
  const live = useLiveList(['session:'], () => void queryClient.invalidateQueries(trpc.sessions.list.pathFilter()));
  const now = useNow();
  const shown = sessions.data?.sessions ?? [];

  return (
    <div className="stack">
      <h1>Sessions</h1>
      <p className="muted">A session is a conversation with an agent in a workspace: each message you send starts a turn, and tool calls follow the session&apos;s permission profile.</p>
      <NewSessionForm />
      <section className="card stack" aria-labelledby="sessions-heading">
        <div className="form-actions" style={{ justifyContent: 'space-between' }}>
          <h2 id="sessions-heading">Recent sessions</h2>
          <LiveStatus state={live.state} onReconnect={live.reconnect} />
        </div>
        <ListFilterBar
          label="Filter sessions"
          searchLabel="Search titles"
          params={params}
          onChange={update}
          statuses={SESSION_STATUSES}
          showOwner={me.data?.scopes.includes('admin') ?? false}
          workspaces={distinct(shown.map((s) => s.workspace_path))}
          models={distinct(shown.map((s) => s.model))}
        />
        {sessions.isPending && <p className="muted">Loading sessions…</p>}
        <ErrorAlert message={sessions.error ? errorMessage(sessions.error) : null} />
        {sessions.data && (
          <>
            <SessionsTable sessions={sessions.data.sessions} now={now} hrefWith={hrefWith} empty={emptyMessage(params, 'No sessions yet. Create one above.', 'sessions')} />
            <Pager label="Sessions pages" offset={(params.page - 1) * PAGE} limit={PAGE} total={sessions.data.total} onChange={(offset) => update({ page: Math.floor(offset / PAGE) + 1 })} />
          </>
        )}
      </section>
    </div>
  );
}
