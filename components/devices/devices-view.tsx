'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { usePrincipal } from '@/components/shell/principal-context';
import { ErrorAlert } from '@/components/ui/error-alert';
import { DevicesTable } from './devices-table';
import { PairDeviceCard } from './pair-device-card';

/** While a pairing is open the list is re-read this often, to show the device once it has paired. */
const PAIRING_REFRESH_MS = 2_000;

/** Pair a device (QR code, pair code, expiry), then list, rename and revoke paired devices. */
export function DevicesView() {
  const trpc = useTRPC();
  const principal = usePrincipal();
  const [pairingOpen, setPairingOpen] = useState(false);
  const devices = useQuery(trpc.devices.list.queryOptions(undefined, { refetchInterval: pairingOpen ? PAIRING_REFRESH_MS : false }));
  const mayPair = principal.scopes.includes('pair:start') || principal.scopes.includes('admin');

  return (
    <div className="stack">
      <h1>Devices</h1>
      {mayPair && <PairDeviceCard onPairingOpen={setPairingOpen} />}
      <section className="card stack" aria-labelledby="devices-heading">
        <h2 id="devices-heading">Paired devices</h2>
        {devices.isPending && <p className="muted">Loading devices…</p>}
        <ErrorAlert message={devices.error ? errorMessage(devices.error) : null} />
        {devices.data && <DevicesTable devices={devices.data} showOwner={principal.scopes.includes('admin')} />}
      </section>
    </div>
  );
}
