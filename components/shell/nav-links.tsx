'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTRPC } from '@/lib/trpc';
import { usePrincipal } from './principal-context';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/app/runs', label: 'Runs' },
  { href: '/app/sessions', label: 'Sessions' },
  { href: '/app/approvals', label: 'Approvals' },
  { href: '/app/usage', label: 'Usage' },
  { href: '/app/keys', label: 'API keys' },
  { href: '/app/access', label: 'Access' },
] as const;

/** A section is current on its own page and on the pages under it (a run's page is under Runs). */
function isCurrent(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}

/** How many approvals wait, shown next to the link so they are noticed from any page. */
function PendingCount() {
  const trpc = useTRPC();
  const principal = usePrincipal();
  const allowed = ['admin', 'runs:read', 'sessions:read'].some((scope) => principal.scopes.includes(scope));
  const pending = useQuery(trpc.approvals.list.queryOptions({ status: 'pending' }, { enabled: allowed, refetchInterval: 10_000, retry: false }));
  const count = pending.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <span className="nav-count" data-testid="pending-approvals-count">
      {count}
      <span className="visually-hidden"> pending</span>
    </span>
  );
}

export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {LINKS.map((link) => (
          <li key={link.href}>
            <Link href={link.href} aria-current={isCurrent(pathname, link.href) ? 'page' : undefined}>
              {link.label}
              {link.href === '/app/approvals' && <PendingCount />}
            </Link>
          </li>
        ))}
        <li>
          {/* Served by the API server itself, not by Next, so a plain link with a full page load. */}
          <a href="/swagger-ui/">API docs</a>
        </li>
      </ul>
    </nav>
  );
}
