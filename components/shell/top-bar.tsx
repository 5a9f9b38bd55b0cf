'use client';
import { NavLinks } from './nav-links';
import { usePrincipal } from './principal-context';
import { SignOutButton } from './sign-out-button';

export function TopBar() {
  const principal = usePrincipal();
  return (
    <header className="top-bar">
      <div className="top-bar-inner">
        <span className="brand">Switchboard</span>
        <NavLinks />
        <div className="who">
          <span data-testid="signed-in-as">
            Signed in as <strong>{principal.name}</strong>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
