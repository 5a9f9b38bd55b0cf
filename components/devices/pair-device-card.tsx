'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { formatDateTime, formatDuration } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { PairingStarted } from '@/lib/types';
import { CopyButton } from '@/components/ui/copy-button';
import { ErrorAlert } from '@/components/ui/error-alert';
import styles from './devices.module.css';
import { PairingQr } from './pairing-qr';
import { ScopeChips } from '@/components/ui/scope-chips';

/** How long the code may wait for the device; short, since whoever sees it can pair. */
const PAIR_WINDOWS = [
  { value: 60, label: '1 minute' },
  { value: 180, label: '3 minutes' },
  { value: 600, label: '10 minutes' },
] as const;

/** Seconds until `iso`, ticking once a second; 0 once it has passed. */
function useSecondsLeft(iso: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso ? Math.max(0, Math.floor((new Date(iso).getTime() - now) / 1000)) : 0;
}

function OpenPairing({ pairing, onDone }: { pairing: PairingStarted; onDone: () => void }) {
  const left = useSecondsLeft(pairing.expiresAt);
  const expired = left === 0;
  return (
    <div className={styles.pairing} data-testid="open-pairing">
      {!expired && <PairingQr uri={pairing.elixUri} label="QR code of the pairing link; scan it with the EchoHelix app" />}
      <div className="stack">
      <dl className={styles.facts}>
        <dt>Pair code</dt>
        <dd>
          <code className={styles.code} data-testid="pair-code">{pairing.pairCode}</code>
        </dd>
        <dt>Expires</dt>
        <dd>
          <span title={formatDateTime(pairing.expiresAt)} data-testid="pair-expiry">
            {expired ? 'Expired — start again' : `in ${formatDuration(left)}${left >= 60 && left < 3600 ? ` ${left % 60}s` : ''}`}
          </span>
        </dd>
        <dt>Scopes</dt>
        <dd>
          <ScopeChips scopes={pairing.permissions} />
        </dd>
      </dl>
      <details>
        <summary>Pairing link</summary>
        <p className={styles.uri}>
          <code data-testid="elix-uri">{pairing.elixUri}</code>
        </p>
        <CopyButton text={pairing.elixUri} label="Copy link" />
      </details>
      <div>
        <button type="button" className="button" onClick={onDone}>
          {expired ? 'Close' : 'Done'}
        </button>
      </div>
      </div>
    </div>
  );
}

/**
 * Starts a pairing and shows what the device needs: the link as a QR code, the pair code and its
 * expiry. While it is open the device list is re-read every few seconds, so the new device appears
 * as soon as it has paired (completing a pairing is a public call that no event announces).
 */
export function PairDeviceCard({ onPairingOpen }: { onPairingOpen: (open: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [ttl, setTtl] = useState<number>(PAIR_WINDOWS[1].value);
  const [pairing, setPairing] = useState<PairingStarted | null>(null);
  const start = useMutation(
    trpc.devices.startPairing.mutationOptions({
      onSuccess: (started) => {
        setPairing(started);
        onPairingOpen(true);
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    start.mutate({ ttlSeconds: ttl });
  }

  function close() {
    setPairing(null);
    onPairingOpen(false);
    void queryClient.invalidateQueries({ queryKey: trpc.devices.list.queryKey() });
  }

  return (
    <section className="card stack" aria-labelledby="pair-heading">
      <h2 id="pair-heading">Pair a device</h2>
      <p className="muted">
        A paired device (the EchoHelix app on a phone or laptop) signs in with its own key and acts for you with rotating tokens.
        Scan the code with the device, or send it the pairing link below.
      </p>
      {pairing ? (
        <OpenPairing pairing={pairing} onDone={close} />
      ) : (
        <form className={styles.startForm} onSubmit={submit} aria-label="Start pairing">
          <div className="field">
            <label htmlFor="pair-ttl">Code valid for</label>
            <select id="pair-ttl" value={ttl} onChange={(e) => setTtl(Number(e.target.value))}>
              {PAIR_WINDOWS.map((w) => (
                <option key={w.value} value={w.value}>
                  {w.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button-primary" disabled={start.isPending}>
            {start.isPending ? 'Starting…' : 'Start pairing'}
          </button>
        </form>
      )}
      <ErrorAlert message={start.error ? errorMessage(start.error) : null} />
    </section>
  );
}
