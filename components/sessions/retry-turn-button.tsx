'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';

/** Runs a failed or canceled turn again, as a new turn with the same user message. */
export function RetryTurnButton({ sessionId, turnId }: { sessionId: string; turnId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const retry = useMutation(
    trpc.sessions.retry.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.sessions.get.queryKey({ id: sessionId }) }),
    }),
  );
  return (
    <>
      <button type="button" className="button button-small" disabled={retry.isPending} onClick={() => retry.mutate({ id: sessionId, turnId })}>
        {retry.isPending ? 'Retrying…' : 'Retry'}
      </button>
      {retry.error && (
        <span className="alert-inline" role="alert">
          {errorMessage(retry.error)}
        </span>
      )}
    </>
  );
}
