'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useGlobalChanges } from '@/components/overview/use-global-changes';
import { ErrorAlert } from '@/components/ui/error-alert';
import { usePrincipal } from './principal-context';
import styles from './emergency-banner.module.css';

/**
 * While the emergency stop is on, a banner under the top bar of every page says so, with Resume for
 * the admin. It follows the global stream (the stop and the resume are events on it, visible to
 * whoever may read the emergency state), so it appears and goes within a second of either, from any
 * tab or client.
 */
export function EmergencyBanner() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const principal = usePrincipal();
  const isAdmin = principal.scopes.includes('admin');
  const mayRead = isAdmin || principal.scopes.includes('runs:read');

  const status = useQuery(
    trpc.emergency.status.queryOptions(undefined, { enabled: mayRead, retry: false, refetchOnWindowFocus: true }),
  );
  useGlobalChanges((change) => {
    if (change.emergency) void queryClient.invalidateQueries(trpc.emergency.status.queryFilter());
  });

  const resume = useMutation(
    trpc.emergency.resume.mutationOptions({
      onSuccess: (state) => queryClient.setQueryData(trpc.emergency.status.queryKey(), state),
      onSettled: () => queryClient.invalidateQueries(trpc.overview.get.queryFilter()),
    }),
  );

  const state = status.data;
  if (!state?.active) return null;
  return (
    <div className={styles.banner} role="region" aria-label="Server stopped" data-testid="emergency-banner">
      <div className={styles.inner}>
        <p className={styles.text}>
          <strong className={styles.title}>Emergency stop is on</strong> since {formatDateTime(state.activated_at)}
          {state.reason ? ` — ${state.reason}` : ''}. New work is refused{isAdmin ? ' until you resume' : ' until the administrator resumes'}.
        </p>
        {isAdmin && (
          <button type="button" className="button button-primary button-small" disabled={resume.isPending} onClick={() => resume.mutate()}>
            {resume.isPending ? 'Resuming…' : 'Resume'}
          </button>
        )}
        <ErrorAlert message={resume.error ? `Could not resume: ${errorMessage(resume.error)}` : null} />
      </div>
    </div>
  );
}
