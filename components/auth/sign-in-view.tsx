'use client';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import { OAuthButtons } from './oauth-buttons';
import { PasswordSignInForm } from './password-sign-in-form';
import { RegisterForm } from './register-form';
import { TokenSignInForm } from './token-sign-in-form';

/** The sign-in page: only the methods the server has enabled, and straight on if already signed in. */
export function SignInView() {
  const trpc = useTRPC();
  const router = useRouter();
  const me = useQuery(trpc.auth.me.queryOptions());
  const config = useQuery(trpc.auth.config.queryOptions());

  useEffect(() => {
    if (me.data) router.replace('/');
  }, [me.data, router]);

  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <header className="stack-tight">
          <p className="brand">Switchboard</p>
          <h1>Sign in</h1>
        </header>
        {config.isPending && <p className="muted">Loading sign-in options…</p>}
        <ErrorAlert message={config.error ? errorMessage(config.error) : null} />
        {config.data && (
          <>
            {config.data.password_auth_enabled && <PasswordSignInForm />}
            <OAuthButtons providers={config.data.oauth_providers} />
            <hr />
            <TokenSignInForm />
            {config.data.password_auth_enabled && config.data.signup_enabled && (
              <details className="register">
                <summary>New here? Create an account</summary>
                <RegisterForm />
              </details>
            )}
          </>
        )}
      </div>
    </main>
  );
}
