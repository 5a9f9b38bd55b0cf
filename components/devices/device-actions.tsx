'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import type { Device } from '@/lib/types';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorAlert } from '@/components/ui/error-alert';
import styles from './devices.module.css';

function useRefreshDevices() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.devices.list.queryKey() }), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
}

/** Rename in place: the button turns into a small form with the current name selected. */
export function RenameDevice({ device }: { device: Device }) {
  const trpc = useTRPC();
  const refresh = useRefreshDevices();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(device.name);
  const rename = useMutation(
    trpc.devices.rename.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await refresh();
      },
    }),
  );

  if (!editing) {
    return (
      <button type="button" className="button button-small" onClick={() => (setName(device.name), setEditing(true))} aria-label={`Rename ${device.name}`}>
        Rename
      </button>
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (name.trim()) rename.mutate({ address: device.address, name: name.trim() });
  }

  return (
    <form className={styles.inlineForm} onSubmit={submit} aria-label={`Rename ${device.name}`}>
      <label className="visually-hidden" htmlFor={`rename-${device.address}`}>
        New name
      </label>
      <input id={`rename-${device.address}`} value={name} maxLength={200} autoFocus onFocus={(e) => e.currentTarget.select()} onChange={(e) => setName(e.target.value)} />
      <button type="submit" className="button button-small button-primary" disabled={rename.isPending || !name.trim()}>
        Save
      </button>
      <button type="button" className="button button-small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ErrorAlert message={rename.error ? errorMessage(rename.error) : null} />
    </form>
  );
}

/** Revoking ends the device's tokens and open streams at once and cannot be undone, so it asks first. */
export function RevokeDevice({ device }: { device: Device }) {
  const trpc = useTRPC();
  const refresh = useRefreshDevices();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(
    trpc.devices.revoke.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        await refresh();
      },
    }),
  );
  return (
    <>
      <button type="button" className="button button-small button-danger" onClick={() => setConfirming(true)} aria-label={`Revoke ${device.name}`}>
        Revoke
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Revoke “${device.name}”?`}
        confirmLabel="Revoke device"
        cancelLabel="Keep it"
        pending={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error) : null}
        onConfirm={() => revoke.mutate({ address: device.address, reason: 'revoked in the dashboard' })}
        onCancel={() => setConfirming(false)}
      >
        Its tokens stop working and its open streams close at once. To use it again, pair it anew.
      </ConfirmDialog>
    </>
  );
}
