'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import type { Approval, InboxApproval } from '@/lib/types';

interface InboxPage {
  items: InboxApproval[];
  total: number;
  stream_cursor: string;
}
import { ErrorAlert } from '@/components/ui/error-alert';

/**
 * Approve or deny one pending tool call, with an optional reason (the agent sees it when denied).
 * The decided approval leaves every cached list at once; the run or session it gates refetches.
 */
export function ApprovalDecision({ approval }: { approval: Approval }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const reasonId = `reason-${approval.id}`;

  const decide = useMutation(
    trpc.approvals.decide.mutationOptions({
      onSettled: async (_data, error) => {
        // Success or conflict ("already decided"): either way the lists must catch up with the server.
        if (!error) {
          queryClient.setQueriesData<Approval[]>(trpc.approvals.list.pathFilter(), (list) => list?.filter((a) => a.id !== approval.id));
          queryClient.setQueriesData<InboxPage>(trpc.approvals.inbox.pathFilter(), (page) =>
            page && page.items.some((a) => a.id === approval.id) ? { ...page, items: page.items.filter((a) => a.id !== approval.id), total: Math.max(0, page.total - 1) } : page,
          );
        }
        await Promise.all([
          queryClient.invalidateQueries(trpc.approvals.list.pathFilter()),
          queryClient.invalidateQueries(trpc.approvals.inbox.pathFilter()),
          approval.run_id ? queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id: approval.run_id }) }) : null,
          approval.session_id ? queryClient.invalidateQueries({ queryKey: trpc.sessions.get.queryKey({ id: approval.session_id }) }) : null,
        ]);
      },
    }),
  );

  function submit(approve: boolean) {
    const trimmed = reason.trim();
    decide.mutate({ id: approval.id, approve, ...(trimmed ? { reason: trimmed } : {}) });
  }

  const deciding = decide.isPending ? (decide.variables?.approve ? 'approve' : 'deny') : null;

  return (
    <div className="stack-tight">
      <div className="approval-actions" role="group" aria-label={`Decide on ${approval.tool_name}: ${approval.summary}`}>
        <label htmlFor={reasonId} className="visually-hidden">
          Reason (optional)
        </label>
        <input
          id={reasonId}
          placeholder="Reason (optional)"
          maxLength={2000}
          value={reason}
          disabled={decide.isPending}
          onChange={(e) => setReason(e.target.value)}
        />
        <button type="button" className="button button-small button-approve" data-decision="approve" disabled={decide.isPending} onClick={() => submit(true)}>
          {deciding === 'approve' ? 'Approving…' : 'Approve'}
        </button>
        <button type="button" className="button button-small button-danger" data-decision="deny" disabled={decide.isPending} onClick={() => submit(false)}>
          {deciding === 'deny' ? 'Denying…' : 'Deny'}
        </button>
      </div>
      <ErrorAlert message={decide.error ? errorMessage(decide.error) : null} />
    </div>
  );
}
