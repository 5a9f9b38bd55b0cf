'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import { useFinishSignIn } from './use-finish-sign-in';

/** Sign in with the bootstrap admin token or any API key; the server keeps it in an HttpOnly cookie. */
export function TokenSignInForm() {
  const trpc = useTRPC();
  const finish = useFinishSignIn();
  const [token, setToken] = useState('');
  const signIn = useMutation(trpc.auth.signInWithToken.mutationOptions({ onSuccess: finish }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    signIn.mutate({ token: token.trim() });
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="token-sign-in-heading">
      <h2 id="token-sign-in-heading">Use a token</h2>
      <p className="muted">Paste the admin token printed when the server first started, or an API key.</p>
      <div className="field">
        <label htmlFor="token">Admin token or API key</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
      </div>
      <ErrorAlert message={signIn.error ? errorMessage(signIn.error) : null} />
      <button type="submit" className="button button-primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in with token'}
      </button>
    </form>
  );
}
