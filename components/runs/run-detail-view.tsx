'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { errorMessage } from '@/lib/errors';
import { formatCost, formatElapsed, formatTokens } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { isActiveRun } from '@/lib/work';
import { ErrorAlert } from '@/components/ui/error-alert';
import { StatusBadge } from '@/components/ui/status-badge';
import { EventLog } from '@/components/work/event-log';
import { LiveStatus } from '@/components/work/live-status';
import { Timestamp } from '@/components/work/timestamp';
import { CancelRunButton } from './cancel-run-button';
import { RunActions } from './run-actions';
import { RunSteps } from './run-steps';
import { useRunStream } from './use-run-stream';

export function RunDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const stream = useRunStream(id);
  const run = useQuery(
    trpc.runs.get.queryOptions(
      { id },
      // The stream triggers refetches; polling is only the fallback for a dropped connection.
      { refetchInterval: (query) => (query.state.data && isActiveRun(query.state.data.status) ? 10_000 : false) },
    ),
  );
  const waiting = run.data?.steps.some((s) => s.status === 'waiting_approval') ?? false;
  const approvals = useQuery(
    trpc.approvals.list.queryOptions({ status: 'pending' }, { enabled: waiting, refetchInterval: waiting ? 5_000 : false }),
  );
  const runApprovals = (approvals.data ?? []).filter((a) => a.run_id === id);

  // The terminal event can arrive before the refetch: trust it, it is the last word.
  const status = run.data ? (stream.finalStatus ?? run.data.status) : null;
  // Usage is recorded per model call; the stream refreshes it with the run.
  const usage = useQuery(trpc.runs.usage.queryOptions({ id }, { enabled: !!run.data, placeholderData: (previous) => previous }));

  return (
    <div className="stack">
      <p className="breadcrumb">
        <Link href="/app/runs">← Runs</Link>
      </p>
      <div className="page-head">
        <h1>Run</h1>
        {status && <StatusBadge status={status} testId="run-status" />}
        {!(run.isError && !run.data) && <LiveStatus state={stream.connection} onReconnect={stream.reconnect} />}
        <span className="spacer" />
        {status && isActiveRun(status) && <CancelRunButton runId={id} />}
      </div>
      {run.isPending && <p className="muted">Loading the run…</p>}
      <ErrorAlert message={run.error ? errorMessage(run.error) : null} />
      {run.data && (
        <>
          <section className="card stack" aria-labelledby="run-details-heading">
            <h2 id="run-details-heading">Details</h2>
            <dl className="facts">
              <dt>ID</dt>
              <dd className="mono break">{run.data.id}</dd>
              <dt>Workspace</dt>
              <dd className="mono break">{run.data.workspace_path}</dd>
              {run.data.spec_path && (
                <>
                  <dt>Spec</dt>
                  <dd className="mono break">{run.data.spec_path}</dd>
                </>
              )}
              <dt>Model</dt>
              <dd className="mono break">{run.data.model}</dd>
              <dt>Profile</dt>
              <dd>
                {run.data.policy.profile ?? 'custom'}{' '}
                <span className="muted">
                  (read {run.data.policy.read} · write {run.data.policy.write} · bash {run.data.policy.bash})
                </span>
              </dd>
              <dt>Created</dt>
              <dd>
                <Timestamp iso={run.data.created_at} />
              </dd>
              <dt>Started</dt>
              <dd>
                <Timestamp iso={run.data.started_at} />
              </dd>
              <dt>Finished</dt>
              <dd>
                <Timestamp iso={run.data.completed_at} />
              </dd>
              <dt>Duration</dt>
              <dd data-testid="run-duration">
                {formatElapsed(run.data.started_at, run.data.completed_at) ?? <span className="muted">{run.data.started_at ? 'Still running' : 'Not started'}</span>}
              </dd>
              <dt>Tokens</dt>
              <dd data-testid="run-tokens">
                {usage.data ? (
                  <>
                    {formatTokens(usage.data.input_tokens)} in · {formatTokens(usage.data.output_tokens)} out{' '}
                    <span className="muted">
                      ({usage.data.calls} model call{usage.data.calls === 1 ? '' : 's'})
                    </span>
                  </>
                ) : usage.isError ? (
                  <span className="muted">Unavailable: {errorMessage(usage.error)}</span>
                ) : (
                  <span className="muted">…</span>
                )}
              </dd>
              <dt>Cost</dt>
              <dd data-testid="run-cost">{usage.data ? formatCost(usage.data.cost_usd) : <span className="muted">…</span>}</dd>
            </dl>
            {run.data.error && <ErrorAlert message={run.data.error} />}
            <RunActions run={run.data} />
          </section>
          {run.data.prompt && (
            <section className="card stack" aria-labelledby="run-prompt-heading">
              <h2 id="run-prompt-heading">Prompt</h2>
              <pre className="pre">{run.data.prompt}</pre>
            </section>
          )}
          <section className="card stack" aria-labelledby="run-steps-heading">
            <h2 id="run-steps-heading">Timeline</h2>
            <ErrorAlert message={approvals.error ? `Could not load pending approvals: ${errorMessage(approvals.error)}` : null} />
            <RunSteps steps={run.data.steps} approvals={runApprovals} outputs={stream.outputs} details={stream.details} runStatus={status ?? run.data.status} />
          </section>
        </>
      )}
      {!(run.isError && !run.data) && (
        <section className="card stack" aria-labelledby="run-events-heading">
          <h2 id="run-events-heading">Events</h2>
          <EventLog entries={stream.log} label="Run events" />
        </section>
      )}
    </div>
  );
}
