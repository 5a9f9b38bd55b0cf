'use client';
import type { Approval, RunStep } from '@/lib/types';
import { StatusBadge } from '@/components/ui/status-badge';
import { ApprovalDecision } from '@/components/approvals/approval-decision';

/** The run's steps in order: model calls and tool calls, with the decision on a gated one. */
export function RunSteps({ steps, approvals }: { steps: RunStep[]; approvals: Approval[] }) {
  if (steps.length === 0) return <p className="muted">No steps yet.</p>;
  return (
    <ol className="steps" aria-label="Steps">
      {steps.map((step) => {
        const isTool = step.type === 'tool_call';
        const approval = approvals.find((a) => a.step_id === step.id);
        return (
          <li key={step.id} className="step" data-status={step.status}>
            <div className="step-head">
              <span className="step-index">{step.index + 1}.</span>
              <span className="step-title">{isTool ? (step.tool_name ?? step.title) : step.title}</span>
              <span className="muted">{isTool ? 'tool call' : 'model call'}</span>
              <StatusBadge status={step.status} />
            </div>
            {isTool && step.command && <pre className="pre">{step.command}</pre>}
            {step.status === 'waiting_approval' &&
              (approval ? <ApprovalDecision approval={approval} /> : <p className="muted">Decision recorded; the run resumes shortly.</p>)}
          </li>
        );
      })}
    </ol>
  );
}
