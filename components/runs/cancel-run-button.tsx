'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import '@/components/work/timeline.css';

/**
 * Canceling stops the agent mid-step and cannot be undone, so it asks first in a modal dialog
 * (Escape or "Keep running" backs out; focus returns to the button).
 */
export function CancelRunButton({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  const textId = useId();
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSuccess: () => dialog.current?.close(),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id: runId }) }),
    }),
  );
  return (
    <>
      <button type="button" className="button button-danger" disabled={cancel.isPending} onClick={() => dialog.current?.showModal()}>
        {cancel.isPending ? 'Canceling…' : 'Cancel run'}
      </button>
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={headingId} aria-describedby={textId}>
        <h2 id={headingId}>Cancel this run?</h2>
        <p id={textId}>The agent stops at once; the step it is on is interrupted. This cannot be undone.</p>
        <ErrorAlert message={cancel.error ? errorMessage(cancel.error) : null} />
        <div className="confirm-actions">
          <button type="button" className="button" autoFocus disabled={cancel.isPending} onClick={() => dialog.current?.close()}>
            Keep running
          </button>
          <button type="button" className="button button-danger" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: runId })}>
            {cancel.isPending ? 'Canceling…' : 'Yes, cancel run'}
          </button>
        </div>
      </dialog>
    </>
  );
}
