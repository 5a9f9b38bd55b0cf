'use client';
import Link from 'next/link';
import { formatDateTime } from '@/lib/format';
import type { Approval } from '@/lib/types';
import { ApprovalDecision } from './approval-decision';

/** Where the tool call comes from, as a link to its run or session. */
function Source({ approval }: { approval: Approval }) {
  if (approval.run_id) {
    return (
      <span>
        Run <Link href={`/app/runs/${approval.run_id}`}>{approval.run_id}</Link>
      </span>
    );
  }
  if (approval.session_id) {
    return (
      <span>
        Session <Link href={`/app/sessions/${approval.session_id}`}>{approval.session_id}</Link>
      </span>
    );
  }
  return null;
}

/**
 * One pending approval: what would run (the exact command for bash), which tool and category, where
 * it comes from, when it was asked and when it times out, and the decision buttons.
 */
export function ApprovalCard({ approval, showSource = true, headingLevel = 3 }: { approval: Approval; showSource?: boolean; headingLevel?: 2 | 3 | 4 }) {
  const Heading = `h${headingLevel}` as const;
  const headingId = `approval-${approval.id}`;
  return (
    <article className="approval-card" aria-labelledby={headingId} data-testid="approval-card">
      <Heading id={headingId}>
        Approve <code>{approval.tool_name}</code>?
      </Heading>
      <pre className="pre">{approval.summary}</pre>
      <div className="approval-meta">
        <span>
          Category <strong>{approval.category}</strong>
        </span>
        {showSource && <Source approval={approval} />}
        <span>Requested {formatDateTime(approval.created_at)}</span>
        {approval.expires_at && <span>Times out {formatDateTime(approval.expires_at)}</span>}
      </div>
      <ApprovalDecision approval={approval} />
    </article>
  );
}
