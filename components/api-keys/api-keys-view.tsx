'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import type { CreatedApiKey } from '@/lib/types';
import { usePrincipal } from '@/components/shell/principal-context';
import { ErrorAlert } from '@/components/ui/error-alert';
import { CreateKeyForm } from './create-key-form';
import { KeysTable } from './keys-table';
import { NewKeySecret } from './new-key-secret';

/** The keys' intro, the form that creates one (with the new secret, shown once) and the list. */
export function ApiKeysSections() {
  const trpc = useTRPC();
  const principal = usePrincipal();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  // Held only in component state: leaving the page forgets the secret, as the note promises.
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  return (
    <>
      <p className="muted">
        Keys let scripts and agents call the API with the <code>x-api-key</code> header (or <code>Authorization: Bearer</code>).
        {principal.scopes.includes('admin') && ' As an admin you see every key on this server.'}
      </p>
      {created && <NewKeySecret created={created} onDismiss={() => setCreated(null)} />}
      <CreateKeyForm onCreated={setCreated} />
      <section className="card stack" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Existing keys</h2>
        {keys.isPending && <p className="muted">Loading keys…</p>}
        <ErrorAlert message={keys.error ? errorMessage(keys.error) : null} />
        {keys.data && <KeysTable keys={keys.data} />}
      </section>
    </>
  );
}

export function ApiKeysView() {
  return (
    <div className="stack">
      <h1>API keys</h1>
      <ApiKeysSections />
    </div>
  );
}
