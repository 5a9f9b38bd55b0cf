'use client';
import { useMutationState } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/lib/trpc';
import { ApprovalCard } from '@/components/approvals/approval-card';
import type { Overview } from './types';

/**
 * What waits for the operator, oldest first, each decided right here. A decision made on this page
 * takes its card away at once; decisions made elsewhere arrive through the global stream.
 */
export function PendingApprovals({ approvals }: { approvals: Overview['approvals'] }) {
  const trpc = useTRPC();
  const decided = useMutationState({
    filters: { mutationKey: trpc.approvals.decide.mutationKey(), status: 'success' },
    select: (mutation) => (mutation.state.variables as { id?: string } | undefined)?.id,
  });
  const items = approvals.items.filter((a) => !decided.includes(a.id));
  const hidden = approvals.pending - approvals.items.length;

  return (
    <section className="card stack" aria-labelledby="overview-approvals-heading" data-testid="overview-approvals">
      <div className="page-head">
        <h2 id="overview-approvals-heading">
          Waiting for you <span className="muted">({Math.max(0, approvals.pending - (approvals.items.length - items.length))})</span>
        </h2>
        <span className="spacer" />
        <Link href="/app/approvals">All approvals</Link>
      </div>
      {items.length === 0 ? (
        <p className="muted">Nothing is waiting for approval.</p>
      ) : (
        <ul className="approval-list" aria-label="Pending approvals">
          {items.map((approval) => (
            <li key={approval.id}>
              <ApprovalCard approval={approval} headingLevel={3} />
            </li>
          ))}
        </ul>
      )}
      {hidden > 0 && (
        <p className="muted">
          {hidden} more in the <Link href="/app/approvals">approvals inbox</Link>.
        </p>
      )}
    </section>
  );
}
