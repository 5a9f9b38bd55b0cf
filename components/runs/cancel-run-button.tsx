'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';

export function CancelRunButton({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id: runId }) }),
    }),
  );
  return (
    <>
      <button type="button" className="button button-danger" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: runId })}>
        {cancel.isPending ? 'Canceling…' : 'Cancel run'}
      </button>
      <ErrorAlert message={cancel.error ? errorMessage(cancel.error) : null} />
    </>
  );
}
