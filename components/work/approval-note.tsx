import type { StepDetail } from '@/lib/events';
import { formatElapsed } from '@/lib/format';
import { Timestamp } from './timestamp';

/** How a gated tool call was decided: approved or denied, by whom, when, why, after how long a wait. */
export function ApprovalNote({ approval }: { approval: NonNullable<StepDetail['approval']> }) {
  if (!approval.decision) return null;
  return (
    <p className="approval-note" data-testid="approval-note">
      {approval.decision === 'approved' ? 'Approved' : 'Denied'}
      {approval.decidedBy ? ` by ${approval.decidedBy}` : approval.reason === 'timed out' ? ' (timed out)' : ''}
      {approval.decidedAt && (
        <>
          {' '}
          at <Timestamp iso={approval.decidedAt} timeOnly />
        </>
      )}
      {approval.reason && approval.reason !== 'timed out' ? ` · reason: ${approval.reason}` : ''}
      {approval.decidedAt && <span className="muted"> · waited {formatElapsed(approval.requestedAt, approval.decidedAt)}</span>}
    </p>
  );
}
