'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { SignInSession } from '@/lib/types';
import { usePrincipal } from '@/components/shell/principal-context';
import { ErrorAlert } from '@/components/ui/error-alert';

/** Signing a session out ends it everywhere at once (its open streams close), so it asks first, inline. */
function RevokeSessionButton({ session }: { session: SignInSession }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(
    trpc.access.revokeSession.mutationOptions({
      onSuccess: async ({ id }) => {
        queryClient.setQueryData(trpc.access.sessions.queryKey(), (list) => list?.filter((s) => s.id !== id));
        await Promise.all([queryClient.invalidateQueries(trpc.access.sessions.pathFilter()), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
      },
    }),
  );
  const what = `${session.owner_name ?? 'session'} (${session.method}), signed in ${formatDateTime(session.created_at)}`;

  if (session.current) return <span className="badge badge-active">This session</span>;
  if (!confirming) {
    return (
      <button type="button" className="button button-small button-danger" onClick={() => setConfirming(true)} aria-label={`Sign out ${what}`}>
        Sign out
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={`Confirm signing out ${what}`}>
      <span>Sign this session out? Its open pages stop working.</span>
      <div className="confirm-actions">
        <button type="button" className="button button-small button-danger" disabled={revoke.isPending} onClick={() => revoke.mutate({ kind: session.kind, id: session.id })}>
          {revoke.isPending ? 'Signing out…' : 'Yes, sign out'}
        </button>
        <button type="button" className="button button-small" autoFocus disabled={revoke.isPending} onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
      <ErrorAlert message={revoke.error ? errorMessage(revoke.error) : null} />
    </div>
  );
}

/** Where a session was opened from, in a few words. */
function where(session: SignInSession): string {
  const parts = [session.ip_address, session.user_agent ? session.user_agent.slice(0, 80) : null].filter(Boolean);
  return parts.length ? parts.join(' · ') : '—';
}

/** The live sign-ins: the user's own, or (for the admin) everyone's, each revocable but the current one. */
export function SessionsSection() {
  const trpc = useTRPC();
  const principal = usePrincipal();
  const isAdmin = principal.scopes.includes('admin');
  const sessions = useQuery(trpc.access.sessions.queryOptions());

  return (
    <section className="card stack" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      <p className="muted">
        {isAdmin
          ? 'Every signed-in session on this server: users’ sign-ins and dashboards opened with the admin token or an API key.'
          : 'Where you are signed in. Signing a session out ends it at once, wherever it is.'}
      </p>
      {sessions.isPending && <p className="muted">Loading sessions…</p>}
      <ErrorAlert message={sessions.error ? errorMessage(sessions.error) : null} />
      {sessions.data && sessions.data.length === 0 && <p className="muted">No other sessions are signed in.</p>}
      {sessions.data && sessions.data.length > 0 && (
        <div className="table-wrap" role="region" aria-labelledby="sessions-heading" tabIndex={0}>
          <table className="table" aria-labelledby="sessions-heading">
            <thead>
              <tr>
                {isAdmin && <th scope="col">Who</th>}
                <th scope="col">Signed in with</th>
                <th scope="col">Since</th>
                <th scope="col">Expires</th>
                <th scope="col">From</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((session) => (
                <tr key={`${session.kind}:${session.id}`} data-testid="sign-in-session">
                  {isAdmin && <td>{session.owner_name ?? <span className="muted">no owner</span>}</td>}
                  <td>{session.method}</td>
                  <td>{formatDateTime(session.created_at)}</td>
                  <td>{formatDateTime(session.expires_at)}</td>
                  <td className="break">{where(session)}</td>
                  <td className="actions">
                    <RevokeSessionButton session={session} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
