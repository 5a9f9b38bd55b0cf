'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { postJson } from '@/lib/rest';
import { ErrorAlert } from '@/components/ui/error-alert';
import { useFinishSignIn } from './use-finish-sign-in';

interface Registration {
  email: string;
  password: string;
  name: string;
  username: string;
}

const EMPTY: Registration = { email: '', password: '', name: '', username: '' };

/** Creates an account; the server signs the new user in on success, so this ends like a sign-in. */
export function RegisterForm() {
  const finish = useFinishSignIn();
  const [form, setForm] = useState<Registration>(EMPTY);
  const register = useMutation({
    mutationFn: (input: Registration) =>
      postJson('/api/auth/register', {
        email: input.email.trim(),
        password: input.password,
        // Optional fields are left out rather than sent empty, which the server would reject.
        ...(input.name.trim() ? { name: input.name.trim() } : {}),
        ...(input.username.trim() ? { username: input.username.trim() } : {}),
      }),
    onSuccess: finish,
  });

  const set = (key: keyof Registration) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    register.mutate(form);
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="register-heading">
      <h2 id="register-heading">Create an account</h2>
      <div className="field">
        <label htmlFor="register-email">Email</label>
        <input id="register-email" type="email" autoComplete="email" required value={form.email} onChange={set('email')} />
      </div>
      <div className="field">
        <label htmlFor="register-password">Password</label>
        <input
          id="register-password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
        />
      </div>
      <div className="field">
        <label htmlFor="register-name">Name (optional)</label>
        <input id="register-name" autoComplete="name" value={form.name} onChange={set('name')} />
      </div>
      <div className="field">
        <label htmlFor="register-username">Username (optional)</label>
        <input id="register-username" autoComplete="username" value={form.username} onChange={set('username')} />
      </div>
      <ErrorAlert message={register.error ? errorMessage(register.error) : null} />
      <button type="submit" className="button" disabled={register.isPending}>
        {register.isPending ? 'Creating account…' : 'Create account'}
      </button>
    </form>
  );
}
