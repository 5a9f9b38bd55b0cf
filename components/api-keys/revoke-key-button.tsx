'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import type { ApiKey } from '@/lib/types';
import { ErrorAlert } from '@/components/ui/error-alert';

/**
 * Revoking cannot be undone (the key stops working at once), so it asks first, inline in the row
 * rather than in a blocking browser dialog.
 */
export function RevokeKeyButton({ apiKey }: { apiKey: ApiKey }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const listKey = trpc.apiKeys.list.queryKey();

  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async ({ id }) => {
        // Drop the row at once, then refetch so the list matches the server.
        queryClient.setQueryData(listKey, (keys) => keys?.filter((k) => k.id !== id));
        await Promise.all([queryClient.invalidateQueries({ queryKey: listKey }), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
      },
    }),
  );

  if (!confirming) {
    return (
      <button type="button" className="button button-small button-danger" onClick={() => setConfirming(true)} aria-label={`Revoke ${apiKey.name}`}>
        Revoke
      </button>
    );
  }

  return (
    <div className="confirm" role="group" aria-label={`Confirm revoking ${apiKey.name}`}>
      <span>Revoke “{apiKey.name}”? Clients using it will stop working.</span>
      <div className="confirm-actions">
        <button
          type="button"
          className="button button-small button-danger"
          disabled={revoke.isPending}
          onClick={() => revoke.mutate({ id: apiKey.id })}
        >
          {revoke.isPending ? 'Revoking…' : 'Yes, revoke'}
        </button>
        <button type="button" className="button button-small" autoFocus disabled={revoke.isPending} onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
      <ErrorAlert message={revoke.error ? errorMessage(revoke.error) : null} />
    </div>
  );
}
