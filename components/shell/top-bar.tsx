'use client';
import { useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { NavLinks, PendingCount, usePendingApprovals } from './nav-links';
import { usePrincipal } from './principal-context';
import { SignOutButton } from './sign-out-button';
import { ThemeToggle } from './theme-toggle';

/**
 * The bar on top of every signed-in page. On wide screens everything sits in one row; on narrow ones
 * the nav and the account controls fold behind a Menu button (a disclosure: Escape or following a
 * link closes it).
 */
export function TopBar() {
  const principal = usePrincipal();
  const pendingApprovals = usePendingApprovals();
  const [open, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape' && open) {
      setOpen(false);
      menuButton.current?.focus();
    }
  }

  function onMenuClick(event: MouseEvent) {
    if ((event.target as Element).closest('a')) setOpen(false);
  }

  return (
    <header className="top-bar" onKeyDown={onKeyDown}>
      <div className="top-bar-inner">
        <span className="brand">Switchboard</span>
        <button
          ref={menuButton}
          type="button"
          className="button button-small menu-button"
          aria-expanded={open}
          aria-controls="top-bar-menu"
          onClick={() => setOpen((was) => !was)}
        >
          <span aria-hidden="true" className="menu-icon" />
          Menu
          {!open && <PendingCount count={pendingApprovals} />}
        </button>
        {/* A click on a link inside closes the menu; the links handle their own keys. */}
        <div id="top-bar-menu" className="top-bar-menu" data-open={open} onClick={onMenuClick}>
          <NavLinks pendingApprovals={pendingApprovals} />
          <div className="who">
            <span data-testid="signed-in-as" className="who-name">
              <span className="wide-hidden">Signed in as </span>
              <strong>{principal.name}</strong>
            </span>
            <ThemeToggle />
            <SignOutButton />
          </div>
        </div>
      </div>
    </header>
  );
}
