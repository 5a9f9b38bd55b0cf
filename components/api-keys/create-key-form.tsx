'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { grantableScopes, type Scope } from '@/lib/scopes';
import { useTRPC } from '@/lib/trpc';
import type { CreatedApiKey } from '@/lib/types';
import { usePrincipal } from '@/components/shell/principal-context';
import { ErrorAlert } from '@/components/ui/error-alert';

/** How long a new key lives; long-lived credentials are what leaks, so "never" is a deliberate choice. */
export const KEY_EXPIRIES = [
  { value: '1', label: '1 day' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never' },
] as const;
type KeyExpiry = (typeof KEY_EXPIRIES)[number]['value'];
const DEFAULT_EXPIRY: KeyExpiry = '90';

function expiresAtFor(choice: KeyExpiry): string | undefined {
  if (choice === 'never') return undefined;
  return new Date(Date.now() + Number(choice) * 24 * 60 * 60 * 1000).toISOString();
}

/**
 * Name, scopes and expiry; only scopes this principal holds are offered, since the server refuses
 * the rest.
 */
export function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const principal = usePrincipal();
  const offered = grantableScopes(principal.scopes);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<Scope>>(new Set());
  const [expiry, setExpiry] = useState<KeyExpiry>(DEFAULT_EXPIRY);
  const [problem, setProblem] = useState<string | null>(null);

  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (created) => {
        setName('');
        setScopes(new Set());
        setExpiry(DEFAULT_EXPIRY);
        onCreated(created);
        await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }), queryClient.invalidateQueries(trpc.audit.list.pathFilter())]);
      },
    }),
  );

  function toggle(scope: Scope, checked: boolean) {
    const next = new Set(scopes);
    if (checked) next.add(scope);
    else next.delete(scope);
    setScopes(next);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return setProblem('Give the key a name.');
    if (scopes.size === 0) return setProblem('Pick at least one scope.');
    setProblem(null);
    // Keep the vocabulary's order rather than click order, so the same choice always reads the same.
    const expiresAt = expiresAtFor(expiry);
    create.mutate({ name: name.trim(), scopes: offered.filter((s) => scopes.has(s)), ...(expiresAt ? { expiresAt } : {}) });
  }

  const error = problem ?? (create.error ? errorMessage(create.error) : null);

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="create-key-heading" noValidate>
      <h2 id="create-key-heading">Create a key</h2>
      <div className="field">
        <label htmlFor="key-name">Name</label>
        <input
          id="key-name"
          name="name"
          maxLength={200}
          required
          placeholder="e.g. CI pipeline"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="key-expiry">Expires after</label>
        <select id="key-expiry" name="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value as KeyExpiry)} aria-describedby="key-expiry-hint">
          {KEY_EXPIRIES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <span className="field-hint" id="key-expiry-hint">
          The key stops working then; create a new one before it does.
        </span>
      </div>
      <fieldset className="scopes">
        <legend>Scopes</legend>
        {offered.map((scope) => (
          <label key={scope} className="checkbox">
            <input type="checkbox" checked={scopes.has(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
            <span>{scope}</span>
          </label>
        ))}
      </fieldset>
      <ErrorAlert message={error} />
      <div>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
