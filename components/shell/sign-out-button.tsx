'use client';
import { useState } from 'react';
import { postJson } from '@/lib/rest';

/**
 * Ends the session on the server, then loads the sign-in page afresh: a full page load drops every
 * cached query, so nothing of this principal lingers in memory.
 */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  async function signOut() {
    setPending(true);
    setFailed(false);
    try {
      await postJson('/api/auth/logout');
      window.location.assign('/app/sign-in');
    } catch {
      setFailed(true);
      setPending(false);
    }
  }

  return (
    <>
      <button type="button" className="button button-small" onClick={() => void signOut()} disabled={pending}>
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
      {failed && (
        <span className="alert-inline" role="alert">
          Sign out failed; try again.
        </span>
      )}
    </>
  );
}
