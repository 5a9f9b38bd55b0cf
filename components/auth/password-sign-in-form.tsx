'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { postJson, RestError } from '@/lib/rest';
import { ErrorAlert } from '@/components/ui/error-alert';
import { useFinishSignIn } from './use-finish-sign-in';

/** Email or username with a password, through the REST login that sets the session cookie. */
export function PasswordSignInForm() {
  const finish = useFinishSignIn();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: async (input: { login: string; password: string }) => {
      // The server looks a login up by email or by username; an @ tells which one was typed.
      const who = input.login.includes('@') ? { email: input.login } : { username: input.login };
      try {
        await postJson('/api/auth/login', { ...who, password: input.password });
      } catch (error) {
        // The server deliberately does not say which half was wrong; neither do we.
        if (error instanceof RestError && error.status === 401) throw new RestError('Wrong email, username or password.', 401);
        throw error;
      }
    },
    onSuccess: finish,
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    signIn.mutate({ login: login.trim(), password });
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="password-sign-in-heading">
      <h2 id="password-sign-in-heading">Sign in with a password</h2>
      <div className="field">
        <label htmlFor="login">Email or username</label>
        <input
          id="login"
          name="login"
          autoComplete="username"
          required
          value={login}
          onChange={(e) => setLogin(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <ErrorAlert message={signIn.error ? errorMessage(signIn.error) : null} />
      <button type="submit" className="button button-primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
