'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { grantableScopes, type Scope } from '@/lib/scopes';
import { useTRPC } from '@/lib/trpc';
import type { CreatedApiKey } from '@/lib/types';
import { usePrincipal } from '@/components/shell/principal-context';
import { ErrorAlert } from '@/components/ui/error-alert';

/** Name plus scopes; only scopes this principal holds are offered, since the server refuses the rest. */
export function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const principal = usePrincipal();
  const offered = grantableScopes(principal.scopes);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<Scope>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);

  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (created) => {
        setName('');
        setScopes(new Set());
        onCreated(created);
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
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
    create.mutate({ name: name.trim(), scopes: offered.filter((s) => scopes.has(s)) });
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
