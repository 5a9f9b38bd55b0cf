'use client';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import { ApprovalCard } from './approval-card';

/** How often the inbox asks again; decisions made elsewhere (API, other tabs) show up within this. */
export const APPROVALS_REFRESH_MS = 3_000;

/** Everything waiting for a human, across runs and sessions, oldest first (it has waited longest). */
export function ApprovalsView() {
  const trpc = useTRPC();
  const pending = useQuery(trpc.approvals.list.queryOptions({ status: 'pending' }, { refetchInterval: APPROVALS_REFRESH_MS }));
  const approvals = [...(pending.data ?? [])].sort((a, b) => a.created_at.localeCompare(b.created_at));

  return (
    <div className="stack">
      <h1>Approvals</h1>
      <p className="muted">
        Tool calls that the permission profile of their run or session sends to a human. The agent waits until you decide; a denial
        (with your reason) is reported back to it.
      </p>
      <section className="card stack" aria-labelledby="pending-heading">
        <h2 id="pending-heading">
          Pending{pending.data ? ` (${approvals.length})` : ''}
        </h2>
        {pending.isPending && <p className="muted">Loading approvals…</p>}
        <ErrorAlert message={pending.error ? errorMessage(pending.error) : null} />
        {pending.data && approvals.length === 0 && <p className="muted">Nothing is waiting for approval.</p>}
        {approvals.length > 0 && (
          <ul className="approval-list" aria-label="Pending approvals">
            {approvals.map((approval) => (
              <li key={approval.id}>
                <ApprovalCard approval={approval} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
