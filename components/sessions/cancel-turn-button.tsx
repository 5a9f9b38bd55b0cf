'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';

/** Stops the turn in progress; the session stays open for the next message. */
export function CancelTurnButton({ sessionId }: { sessionId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.sessions.cancel.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.sessions.get.queryKey({ id: sessionId }) }),
    }),
  );
  return (
    <>
      <button type="button" className="button button-danger" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: sessionId })}>
        {cancel.isPending ? 'Canceling…' : 'Cancel turn'}
      </button>
      <ErrorAlert message={cancel.error ? errorMessage(cancel.error) : null} />
    </>
  );
}
