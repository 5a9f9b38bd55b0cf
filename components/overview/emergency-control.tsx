'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import type { EmergencyState } from './types';
import styles from './overview.module.css';

/**
 * The admin's emergency stop: refuses new work and cancels everything running, after a confirmation.
 * While it is on, the banner on every page says so and offers Resume.
 */
export function EmergencyControl({ state }: { state: EmergencyState }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const headingId = useId();
  const reasonId = useId();

  const stop = useMutation(
    trpc.emergency.stop.mutationOptions({
      onSuccess: (stopped) => {
        queryClient.setQueryData(trpc.emergency.status.queryKey(), { active: stopped.active, reason: stopped.reason, activated_at: stopped.activated_at });
        setResult(`Stopped. ${stopped.cancelled_runs} ${stopped.cancelled_runs === 1 ? 'run was' : 'runs were'} cancelled.`);
        dialog.current?.close();
        setReason('');
      },
      onSettled: () => queryClient.invalidateQueries(trpc.overview.get.queryFilter()),
    }),
  );

  function open() {
    stop.reset();
    setResult(null);
    dialog.current?.showModal();
  }

  function confirm() {
    const trimmed = reason.trim();
    stop.mutate(trimmed ? { reason: trimmed } : {});
  }

  return (
    <section className={`card stack ${styles.emergency}`} aria-labelledby="overview-emergency-heading" data-testid="overview-emergency">
      <h2 id="overview-emergency-heading">Emergency stop</h2>
      {state.active ? (
        <p>
          <strong>The server is stopped</strong> since {formatDateTime(state.activated_at)}
          {state.reason ? ` (${state.reason})` : ''}: new work is refused. Resume from the banner at the top of the page.
        </p>
      ) : (
        <>
          <p className="muted">Cancels every active run and session turn, for every owner, and refuses new work until you resume.</p>
          <div>
            <button type="button" className="button button-danger" onClick={open}>
              Stop everything…
            </button>
          </div>
        </>
      )}
      {result && (
        <p role="status" className="muted">
          {result}
        </p>
      )}
      <dialog ref={dialog} className={styles.dialog} aria-labelledby={headingId} onClose={() => setReason('')}>
        <form
          className="stack"
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            confirm();
          }}
        >
          <h2 id={headingId}>Stop everything?</h2>
          <p>Every active run and session turn is cancelled now, and no new work starts until you resume. Work that was cancelled does not restart on resume.</p>
          <div className="field">
            <label htmlFor={reasonId}>Reason (optional, shown in the banner)</label>
            <input id={reasonId} maxLength={500} value={reason} disabled={stop.isPending} onChange={(e) => setReason(e.target.value)} />
          </div>
          <ErrorAlert message={stop.error ? errorMessage(stop.error) : null} />
          <div className={styles.dialogActions}>
            <button type="button" className="button" disabled={stop.isPending} onClick={() => dialog.current?.close()}>
              Keep running
            </button>
            <button type="submit" className="button button-danger" disabled={stop.isPending}>
              {stop.isPending ? 'Stopping…' : 'Stop everything'}
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
