'use client';
import Link from 'next/link';
import { forwardRef } from 'react';
import { excerpt, formatDateTime } from '@/lib/format';
import type { Approval, InboxApproval } from '@/lib/types';
import { ApprovalDecision } from './approval-decision';
import styles from './approvals.module.css';
import { Countdown } from './countdown';
import { ToolInputPreview } from './tool-input-preview';

/** An approval as the run and session pages have it, or with the inbox's context around it. */
type CardApproval = Approval & Partial<Pick<InboxApproval, 'workspace_path' | 'context' | 'origin' | 'requested_by'>>;

/** Where the tool call comes from, as a link to its run or session. */
function Source({ approval }: { approval: CardApproval }) {
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

/** The work around the request: its workspace, the run's prompt or the session's title, and who started it. */
function Context({ approval }: { approval: CardApproval }) {
  if (approval.workspace_path === undefined) return null;
  const what = approval.run_id ? 'Prompt' : 'Session';
  return (
    <div className={styles.context}>
      {approval.workspace_path && (
        <p className={styles.contextLine}>
          Workspace <code>{approval.workspace_path}</code>
        </p>
      )}
      <p className={styles.contextLine}>
        {what}: {approval.context ? <q>{excerpt(approval.context, 160)}</q> : <span className="muted">untitled</span>}
      </p>
      {(approval.requested_by || approval.origin) && (
        <p className={`${styles.contextLine} muted`}>
          Asked by {approval.requested_by ?? 'unknown'}
          {approval.origin ? ` via ${approval.origin}` : ''}
        </p>
      )}
    </div>
  );
}

interface Props {
  approval: CardApproval;
  showSource?: boolean;
  headingLevel?: 2 | 3 | 4;
  /** The inbox's keyboard selection. */
  selected?: boolean;
  onFocus?: () => void;
}

/**
 * One pending approval: what would run (the exact command for bash, the diff of a write or a patch),
 * which tool and category, where it comes from and in which workspace, who asked, when it times
 * out, and the decision buttons.
 */
export const ApprovalCard = forwardRef<HTMLElement, Props>(function ApprovalCard({ approval, showSource = true, headingLevel = 3, selected, onFocus }, ref) {
  const Heading = `h${headingLevel}` as const;
  const headingId = `approval-${approval.id}`;
  return (
    <article
      ref={ref}
      className={`approval-card${selected ? ` ${styles.selected}` : ''}`}
      aria-labelledby={headingId}
      aria-current={selected ? 'true' : undefined}
      data-testid="approval-card"
      data-selected={selected ? 'true' : undefined}
      tabIndex={selected === undefined ? undefined : -1}
      onFocus={onFocus}
    >
      <Heading id={headingId}>
        Approve <code>{approval.tool_name}</code>?
      </Heading>
      <Context approval={approval} />
      <ToolInputPreview toolName={approval.tool_name} summary={approval.summary} input={approval.input} />
      <div className="approval-meta">
        <span>
          Category <strong>{approval.category}</strong>
        </span>
        {showSource && <Source approval={approval} />}
        <span>Requested {formatDateTime(approval.created_at)}</span>
        {approval.expires_at && <Countdown until={approval.expires_at} />}
      </div>
      <ApprovalDecision approval={approval} />
    </article>
  );
});
