'use client';
import { displayStepStatus, type ModelOutput, type StepDetail } from '@/lib/events';
import { formatElapsed } from '@/lib/format';
import type { Approval, RunStep } from '@/lib/types';
import { StatusBadge } from '@/components/ui/status-badge';
import { ApprovalDecision } from '@/components/approvals/approval-decision';
import { StreamedText } from '@/components/work/model-outputs';
import { ApprovalNote } from '@/components/work/approval-note';
import { Timestamp } from '@/components/work/timestamp';
import { ToolCallView } from '@/components/work/tool-call-view';
import '@/components/work/timeline.css';

/** One entry of the timeline: a stored step, or one the stream announced before the run query caught up. */
interface Entry {
  id: string;
  index: number;
  type: string;
  title: string;
  status: string;
  toolName: string | null;
  command: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

function entries(steps: RunStep[], details: Record<string, StepDetail>): Entry[] {
  const known = new Set(steps.map((s) => s.id));
  const stored: Entry[] = steps.map((s) => ({
    id: s.id,
    index: s.index,
    type: s.type,
    title: s.title,
    status: s.status,
    toolName: s.tool_name,
    command: s.command,
    startedAt: s.started_at ?? details[s.id]?.startedAt ?? null,
    completedAt: s.completed_at ?? details[s.id]?.completedAt ?? null,
  }));
  const pending = Object.values(details)
    .filter((d) => !known.has(d.stepId) && d.type && d.startedAt)
    .sort((a, b) => a.startedAt!.localeCompare(b.startedAt!))
    .map((d, i): Entry => ({
      id: d.stepId,
      index: steps.length + i,
      type: d.type!,
      title: d.title ?? d.type!,
      status: d.completedAt ? (d.isError || d.modelError ? 'failed' : 'succeeded') : 'running',
      toolName: d.toolName ?? null,
      command: d.command ?? null,
      startedAt: d.startedAt ?? null,
      completedAt: d.completedAt ?? null,
    }));
  return [...stored, ...pending];
}

/**
 * The run as one timeline: each model call with its text (streamed live into it), each tool call
 * with what it ran, its exit code, duration and output (or its diff), and each approval with who
 * decided and when. Steps stay where they are as they grow, so nothing jumps while it streams.
 */
export function RunSteps({
  steps,
  approvals,
  outputs,
  details,
  runStatus,
}: {
  steps: RunStep[];
  approvals: Approval[];
  outputs: ModelOutput[];
  details: Record<string, StepDetail>;
  runStatus: string;
}) {
  const list = entries(steps, details);
  if (list.length === 0) return <p className="muted">No steps yet.</p>;
  return (
    <ol className="steps" aria-label="Steps">
      {list.map((step) => {
        const isTool = step.type === 'tool_call';
        const detail = details[step.id];
        const approval = approvals.find((a) => a.step_id === step.id);
        const output = outputs.find((o) => o.stepId === step.id);
        const status = displayStepStatus(step.status, runStatus, detail);
        const duration = formatElapsed(step.startedAt, step.completedAt);
        const name = `step ${step.index + 1}`;
        return (
          <li key={step.id} className="step" data-status={status} data-testid="timeline-step">
            <div className="step-head">
              <span className="step-index">{step.index + 1}.</span>
              <span className="step-title">{isTool ? (step.toolName ?? step.title) : step.title}</span>
              {isTool && <span className="muted step-kind">tool call</span>}
              <StatusBadge status={status} />
            </div>
            <div className="timeline-meta muted">
              {step.startedAt && (
                <span>
                  Started <Timestamp iso={step.startedAt} timeOnly />
                </span>
              )}
              {duration && <span>took {duration}</span>}
            </div>
            <div className="step-body">
              {isTool ? (
                <ToolCallView
                  name={name}
                  info={{
                    toolName: step.toolName ?? detail?.toolName,
                    command: detail?.command ?? step.command ?? undefined,
                    input: detail?.input,
                    exitCode: detail?.exitCode,
                    output: detail?.output,
                    isError: detail?.isError,
                    denied: detail?.denied,
                    files: detail?.files,
                  }}
                />
              ) : output ? (
                <>
                  {output.done && !output.failed && output.text === '' && detail?.toolCalls ? (
                    <p className="muted tool-calls-only">
                      No text; it asked for {detail.toolCalls} tool call{detail.toolCalls === 1 ? '' : 's'}.
                    </p>
                  ) : (
                    <StreamedText output={status === 'interrupted' ? { ...output, done: true, stopped: true } : output} />
                  )}
                  {output.failed && (
                    <p className="alert alert-error" role="alert">
                      {output.failed}
                    </p>
                  )}
                </>
              ) : null}
              {detail?.approval && <ApprovalNote approval={detail.approval} />}
              {step.status === 'waiting_approval' &&
                status !== 'interrupted' &&
                (approval ? <ApprovalDecision approval={approval} /> : <p className="muted">Decision recorded; the run resumes shortly.</p>)}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
