'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { excerpt, formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { InboxApproval } from '@/lib/types';
import { ErrorAlert } from '@/components/ui/error-alert';
import { StatusBadge } from '@/components/ui/status-badge';
import { Pager } from '@/components/work/pager';
import styles from './approvals.module.css';

export const HISTORY_PAGE = 10;

function Decision({ approval }: { approval: InboxApproval }) {
  const who = approval.decided_by_name ?? (approval.status === 'expired' ? 'the timeout' : 'unknown');
  const verb = approval.status === 'approved' ? 'Approved' : approval.status === 'denied' ? 'Denied' : 'Expired';
  return (
    <p className="muted" style={{ margin: 0 }}>
      {verb}
      {approval.status === 'expired' ? '' : ` by ${who}`} {approval.decided_at ? formatDateTime(approval.decided_at) : ''}
      {approval.reason ? (
        <>
          {' · '}
          <span>Reason: {approval.reason}</span>
        </>
      ) : null}
    </p>
  );
}

/** Decided approvals, the latest decision first, a page at a time: who decided, when and why. */
export function ApprovalHistory() {
  const trpc = useTRPC();
  const [offset, setOffset] = useState(0);
  const history = useQuery(trpc.approvals.inbox.queryOptions({ status: 'decided', offset, limit: HISTORY_PAGE }, { placeholderData: keepPreviousData, refetchOnMount: 'always' }));
  const items = history.data?.items ?? [];

  return (
    <section className="card stack" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {history.isPending && <p className="muted">Loading decided approvals…</p>}
      <ErrorAlert message={history.error ? errorMessage(history.error) : null} />
      {history.data && history.data.total === 0 && <p className="muted">No approvals decided yet.</p>}
      {items.length > 0 && (
        <ul className={styles.history} aria-label="Decided approvals" data-testid="approval-history">
          {items.map((approval) => (
            <li key={approval.id} className={styles.historyItem} data-testid="approval-history-item">
              <div className={styles.historyHead}>
                <StatusBadge status={approval.status} />
                <code>{approval.tool_name}</code>
                <span className={styles.historySummary}>{excerpt(approval.summary, 120)}</span>
              </div>
              <Decision approval={approval} />
              <p className="muted" style={{ margin: 0, overflowWrap: 'anywhere' }}>
                {approval.run_id ? (
                  <Link href={`/app/runs/${approval.run_id}`}>Run {approval.run_id}</Link>
                ) : approval.session_id ? (
                  <Link href={`/app/sessions/${approval.session_id}`}>Session {approval.session_id}</Link>
                ) : null}
                {approval.workspace_path ? (
                  <>
                    {' in '}
                    <code>{approval.workspace_path}</code>
                  </>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
      {history.data && <Pager offset={offset} limit={HISTORY_PAGE} total={history.data.total} onChange={setOffset} label="Decided approvals pages" />}
    </section>
  );
}
