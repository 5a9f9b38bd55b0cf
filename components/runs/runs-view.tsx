'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { isActiveRun } from '@/lib/work';
import { ErrorAlert } from '@/components/ui/error-alert';
import { Pager } from '@/components/work/pager';
import { NewRunForm } from './new-run-form';
import { RunsTable } from './runs-table';

const PAGE = 50;

export function RunsView() {
  const trpc = useTRPC();
  const [offset, setOffset] = useState(0);
  const runs = useQuery(
    trpc.runs.list.queryOptions(
      { limit: PAGE, offset },
      {
        placeholderData: keepPreviousData,
        // While something on the page is still going, keep its status current.
        refetchInterval: (query) => (query.state.data?.runs.some((r) => isActiveRun(r.status)) ? 3_000 : false),
      },
    ),
  );

  return (
    <div className="stack">
      <h1>Runs</h1>
      <p className="muted">A run is one task carried out by an agent in a workspace, from a prompt or a spec, until it succeeds, fails or is canceled.</p>
      <NewRunForm />
      <section className="card stack" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Recent runs</h2>
        {runs.isPending && <p className="muted">Loading runs…</p>}
        <ErrorAlert message={runs.error ? errorMessage(runs.error) : null} />
        {runs.data && (
          <>
            <RunsTable runs={runs.data.runs} />
            <Pager label="Runs pages" offset={offset} limit={PAGE} total={runs.data.total} onChange={setOffset} />
          </>
        )}
      </section>
    </div>
  );
}
