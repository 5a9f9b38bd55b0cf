'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { isActiveTurn, sessionStatusWord } from '@/lib/work';
import { ErrorAlert } from '@/components/ui/error-alert';
import { StatusBadge } from '@/components/ui/status-badge';
import { EventLog } from '@/components/work/event-log';
import { LiveStatus } from '@/components/work/live-status';
import { Timestamp } from '@/components/work/timestamp';
import { CancelTurnButton } from './cancel-turn-button';
import { Composer } from './composer';
import { MessageList } from './message-list';
import { useSessionStream } from './use-session-stream';

/** Keeps the window at the bottom while new content arrives, unless the reader has scrolled up. */
function useStickToBottom(dependency: unknown) {
  const pinned = useRef(true);
  useEffect(() => {
    const onScroll = () => {
      pinned.current = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 120;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);
  useLayoutEffect(() => {
    if (pinned.current) window.scrollTo({ top: document.documentElement.scrollHeight });
  }, [dependency]);
}

export function SessionChatView({ id }: { id: string }) {
  const trpc = useTRPC();
  const stream = useSessionStream(id);
  const session = useQuery(
    trpc.sessions.get.queryOptions(
      { id },
      // The stream triggers refetches; polling is only the fallback while a turn is going.
      { refetchInterval: (query) => (query.state.data?.turns.some((t) => isActiveTurn(t.status)) ? 10_000 : false) },
    ),
  );
  const busy = session.data?.turns.some((t) => isActiveTurn(t.status)) ?? false;
  const waiting = session.data?.status === 'waiting_approval' || (session.data?.turns.some((t) => t.status === 'waiting_approval') ?? false);
  const approvals = useQuery(
    trpc.approvals.list.queryOptions({ status: 'pending' }, { enabled: busy, refetchInterval: waiting ? 5_000 : false }),
  );
  const sessionApprovals = busy ? (approvals.data ?? []).filter((a) => a.session_id === id) : [];

  useStickToBottom(`${session.data?.messages.length ?? 0}:${stream.outputs.map((o) => o.text.length).join(',')}:${sessionApprovals.length}`);

  const title = session.data?.title || 'Session';

  return (
    <div className="stack">
      <p className="breadcrumb">
        <Link href="/app/sessions">← Sessions</Link>
      </p>
      <div className="page-head">
        <h1>{title}</h1>
        {session.data && <StatusBadge status={sessionStatusWord(session.data)} testId="session-status" />}
        {!(session.isError && !session.data) && <LiveStatus state={stream.connection} onReconnect={stream.reconnect} />}
        <span className="spacer" />
        {busy && <CancelTurnButton sessionId={id} />}
      </div>
      {session.isPending && <p className="muted">Loading the session…</p>}
      <ErrorAlert message={session.error ? errorMessage(session.error) : null} />
      {session.data && (
        <>
          <details className="card">
            <summary>Session details</summary>
            <dl className="facts details-body">
              <dt>ID</dt>
              <dd className="mono">{session.data.id}</dd>
              <dt>Workspace</dt>
              <dd className="mono break">{session.data.workspace_path}</dd>
              <dt>Model</dt>
              <dd className="mono">{session.data.model}</dd>
              <dt>Profile</dt>
              <dd>
                {session.data.policy.profile ?? 'custom'}{' '}
                <span className="muted">
                  (read {session.data.policy.read} · write {session.data.policy.write} · bash {session.data.policy.bash})
                </span>
              </dd>
              {session.data.system_prompt && (
                <>
                  <dt>System prompt</dt>
                  <dd className="prose">{session.data.system_prompt}</dd>
                </>
              )}
              <dt>Created</dt>
              <dd>
                <Timestamp iso={session.data.created_at} />
              </dd>
            </dl>
          </details>
          <section className="chat" aria-label="Conversation">
            <ErrorAlert message={approvals.error ? `Could not load pending approvals: ${errorMessage(approvals.error)}` : null} />
            <MessageList
              sessionId={id}
              messages={session.data.messages}
              turns={session.data.turns}
              approvals={sessionApprovals}
              outputs={stream.outputs}
              details={stream.details}
            />
          </section>
          <Composer sessionId={id} busy={busy} closed={session.data.status === 'closed'} />
          <details className="card">
            <summary>Events ({stream.log.length})</summary>
            <div className="details-body">
              <EventLog entries={stream.log} label="Session events" />
            </div>
          </details>
        </>
      )}
    </div>
  );
}
