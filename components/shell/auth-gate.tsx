'use client';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import { PrincipalProvider } from './principal-context';

/**
 * Renders its children only for a signed-in principal; anyone else is sent to the sign-in page.
 * The check runs in the browser because only the API (not Next) can read the HttpOnly cookie's
 * credential; the API enforces access on every call regardless.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const me = useQuery(trpc.auth.me.queryOptions());
  const signedOut = me.isSuccess && me.data === null;

  useEffect(() => {
    if (signedOut) router.replace('/app/sign-in');
  }, [signedOut, router]);

  if (me.isPending || signedOut) {
    return (
      <p className="gate-status muted" role="status">
        Checking your session…
      </p>
    );
  }
  if (me.isError) {
    return (
      <div className="gate-status stack">
        <ErrorAlert message={`Could not check your session: ${errorMessage(me.error)}`} />
        <button type="button" className="button" onClick={() => void me.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  return <PrincipalProvider value={me.data}>{children}</PrincipalProvider>;
}
