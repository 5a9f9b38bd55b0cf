'use client';
import { Fragment } from 'react';
import type { ModelOutput, StepDetail } from '@/lib/events';
import { formatElapsed } from '@/lib/format';
import type { Approval, Message, MessagePart, Turn } from '@/lib/types';
import { isActiveTurn, isRetryableTurn } from '@/lib/work';
import { ApprovalCard } from '@/components/approvals/approval-card';
import { ApprovalNote } from '@/components/work/approval-note';
import { ToolCallView } from '@/components/work/tool-call-view';
import { RetryTurnButton } from './retry-turn-button';

const ROLE_LABELS: Record<string, string> = { user: 'You', assistant: 'Agent', system: 'System', tool_result: 'Tool result' };

/** Tool calls are matched to their results and approvals by turn and call id (ids repeat across retried turns). */
const callKey = (turnId: string | null | undefined, toolCallId: string | undefined) => `${turnId ?? ''}:${toolCallId ?? ''}`;

function ToolCall({ part, result, approval, running, detail }: { part: MessagePart; result?: MessagePart; approval?: Approval; running: boolean; detail?: StepDetail }) {
  const state = result ? (result.is_error ? 'error' : 'completed') : approval ? 'waiting for approval' : running ? 'running…' : 'not run';
  return (
    <div className="tool-call" data-testid="tool-call">
      <div className="tool-call-head">
        <span className="tool-call-name">{part.tool_name ?? 'tool'}</span>
        <span className="muted">{state}</span>
      </div>
      <ToolCallView
        name={`${part.tool_name ?? 'tool'} call ${part.tool_call_id ?? ''}`.trim()}
        info={{
          toolName: part.tool_name ?? undefined,
          command: detail?.command,
          input: part.tool_input,
          exitCode: detail?.exitCode,
          output: result?.text ?? undefined,
          isError: result?.is_error ?? undefined,
          denied: detail?.denied,
          files: detail?.files,
          duration: formatElapsed(detail?.startedAt, detail?.completedAt),
        }}
      />
      {detail?.approval && <ApprovalNote approval={detail.approval} />}
      {approval && <ApprovalCard approval={approval} showSource={false} headingLevel={3} />}
    </div>
  );
}

function TextPart({ part }: { part: MessagePart }) {
  if (part.type === 'image') return <p className="muted">[image {part.ref}]</p>;
  if (part.type === 'tool_result') {
    return (
      <details className={part.is_error ? 'tool-result-error' : undefined}>
        <summary>{part.tool_name ?? 'tool'} result</summary>
        <pre className="pre">{part.text}</pre>
      </details>
    );
  }
  return <p className="prose">{part.text}</p>;
}

function LiveBubble({ output }: { output: ModelOutput }) {
  return (
    <li className="bubble msg-assistant" data-testid="streaming-message" aria-busy={!output.done}>
      <span className="bubble-role">Agent{output.stopped ? ' (stopped)' : ''}</span>
      <p className={`prose${output.done ? '' : ' cursor'}`}>{output.text}</p>
    </li>
  );
}

function TurnNote({ turn, canRetry, sessionId }: { turn: Turn; canRetry: boolean; sessionId: string }) {
  const failed = turn.status === 'failed';
  return (
    <li className={failed ? 'turn-note' : 'turn-note turn-note-neutral'}>
      <span>
        {failed ? 'This turn failed' : turn.status === 'canceled' ? 'This turn was canceled' : 'This turn was interrupted'}
        {turn.error && turn.error !== turn.status ? `: ${turn.error}` : '.'}
      </span>
      {canRetry && <RetryTurnButton sessionId={sessionId} turnId={turn.id} />}
    </li>
  );
}

interface Props {
  sessionId: string;
  messages: Message[];
  turns: Turn[];
  approvals: Approval[];
  outputs: ModelOutput[];
  /** The stream's per-step details (exit codes, timings), matched to tool calls by turn and call id. */
  details?: Record<string, StepDetail>;
}

/**
 * The conversation: user and agent bubbles; each tool call sits in the agent's bubble with its
 * result (collapsed) and, while it waits, the approval card. Text still streaming shows after the
 * turn's stored messages until the stored message replaces it.
 */
export function MessageList({ sessionId, messages, turns, approvals, outputs, details = {} }: Props) {
  const detailByCall = new Map(Object.values(details).filter((d) => d.toolCallId).map((d) => [callKey(d.turnId, d.toolCallId), d]));
  const ordered = [...messages].sort((a, b) => a.sequence - b.sequence);
  const sequences = new Set(ordered.map((m) => m.sequence));
  const turnById = new Map(turns.map((t) => [t.id, t]));
  const activeTurn = turns.some((t) => isActiveTurn(t.status));
  const latestTurn = [...turns].sort((a, b) => b.index - a.index)[0];

  const results = new Map<string, MessagePart>();
  for (const m of ordered) for (const p of m.parts) if (p.type === 'tool_result') results.set(callKey(m.turn_id, p.tool_call_id), p);
  const calls = new Set<string>();
  for (const m of ordered) for (const p of m.parts) if (p.type === 'tool_use') calls.add(callKey(m.turn_id, p.tool_call_id));
  const approvalByCall = new Map(approvals.map((a) => [callKey(a.turn_id, a.tool_call_id), a]));
  const unmatchedApprovals = approvals.filter((a) => !calls.has(callKey(a.turn_id, a.tool_call_id)));

  // Streaming text not (yet) stored as a message; empty outputs (tool calls only) show nothing.
  // An output whose text a stored message of its turn already holds is shown by that message: a
  // refetch can land before the stream's message_added event, or even before the step's end.
  const stored = (o: ModelOutput) =>
    ordered.some((m) => m.role === 'assistant' && m.turn_id === o.turnId && m.parts.some((p) => p.type === 'text' && p.text === o.text));
  const live = outputs.filter((o) => o.text !== '' && (o.messageSequence === undefined || !sequences.has(o.messageSequence)) && !stored(o));
  const lastOfTurn = new Map<string, number>();
  ordered.forEach((m, i) => m.turn_id && lastOfTurn.set(m.turn_id, i));
  const orphanLive = live.filter((o) => !o.turnId || !lastOfTurn.has(o.turnId));

  if (ordered.length === 0 && live.length === 0) {
    return <p className="muted">No messages yet. Say something to the agent below.</p>;
  }

  return (
    <ol className="messages" aria-label="Messages">
      {ordered.map((m, i) => {
        const turn = m.turn_id ? turnById.get(m.turn_id) : undefined;
        const running = !!turn && isActiveTurn(turn.status);
        // A tool result shown inside its call needs no bubble of its own.
        const ownParts = m.role === 'tool_result' ? m.parts.filter((p) => !(p.type === 'tool_result' && calls.has(callKey(m.turn_id, p.tool_call_id)))) : m.parts;
        const endsTurn = m.turn_id !== null && lastOfTurn.get(m.turn_id) === i;
        const retryable = !!turn && isRetryableTurn(turn.status);
        return (
          <Fragment key={m.id}>
            {ownParts.length > 0 && (
              <li className={`bubble msg-${m.role}`} data-testid={`message-${m.role}`}>
                <span className="bubble-role">{ROLE_LABELS[m.role] ?? m.role}</span>
                {ownParts.map((part, j) =>
                  part.type === 'tool_use' ? (
                    <ToolCall
                      key={j}
                      part={part}
                      result={results.get(callKey(m.turn_id, part.tool_call_id))}
                      approval={approvalByCall.get(callKey(m.turn_id, part.tool_call_id))}
                      running={running}
                      detail={detailByCall.get(callKey(m.turn_id, part.tool_call_id))}
                    />
                  ) : (
                    <TextPart key={j} part={part} />
                  ),
                )}
              </li>
            )}
            {endsTurn &&
              live.filter((o) => o.turnId === m.turn_id).map((o) => <LiveBubble key={o.stepId} output={o} />)}
            {endsTurn && running && !live.some((o) => o.turnId === m.turn_id && !o.done) && !approvals.some((a) => a.turn_id === m.turn_id) && (
              <li className="bubble msg-assistant muted" role="status">
                {turn.status === 'pending' ? 'Queued…' : 'Working…'}
              </li>
            )}
            {endsTurn && turn && retryable && (
              <TurnNote turn={turn} sessionId={sessionId} canRetry={!activeTurn && latestTurn?.id === turn.id} />
            )}
          </Fragment>
        );
      })}
      {orphanLive.map((o) => (
        <LiveBubble key={o.stepId} output={o} />
      ))}
      {unmatchedApprovals.map((a) => (
        <li key={a.id}>
          <ApprovalCard approval={a} showSource={false} />
        </li>
      ))}
    </ol>
  );
}
