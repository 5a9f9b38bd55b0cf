'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import { Pager } from '@/components/work/pager';
import { NewSessionForm } from './new-session-form';
import { SessionsTable } from './sessions-table';

const PAGE = 50;
const BUSY = new Set(['running', 'waiting_approval']);

export function SessionsView() {
  const trpc = useTRPC();
  const [offset, setOffset] = useState(0);
  const sessions = useQuery(
    trpc.sessions.list.queryOptions(
      { limit: PAGE, offset },
      {
        placeholderData: keepPreviousData,
        refetchInterval: (query) => (query.state.data?.sessions.some((s) => BUSY.has(s.status)) ? 3_000 : false),
      },
    ),
  );

  return (
    <div className="stack">
      <h1>Sessions</h1>
      <p className="muted">A session is a conversation with an agent in a workspace: each message you send starts a turn, and tool calls follow the session&apos;s permission profile.</p>
      <NewSessionForm />
      <section className="card stack" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Recent sessions</h2>
        {sessions.isPending && <p className="muted">Loading sessions…</p>}
        <ErrorAlert message={sessions.error ? errorMessage(sessions.error) : null} />
        {sessions.data && (
          <>
            <SessionsTable sessions={sessions.data.sessions} />
            <Pager label="Sessions pages" offset={offset} limit={PAGE} total={sessions.data.total} onChange={setOffset} />
          </>
        )}
      </section>
    </div>
  );
}
