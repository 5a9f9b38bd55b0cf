'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTRPC } from '@/lib/trpc';
import { useCoalesced } from '@/lib/use-event-stream';
import { useGlobalEvents, type GlobalEvent } from './global-events';
import { usePrincipal } from './principal-context';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/app/runs', label: 'Runs' },
  { href: '/app/sessions', label: 'Sessions' },
  { href: '/app/approvals', label: 'Approvals' },
  { href: '/app/usage', label: 'Usage' },
  { href: '/app/keys', label: 'API keys' },
  { href: '/app/devices', label: 'Devices' },
  { href: '/app/access', label: 'Access' },
] as const;

/** A section is current on its own page and on the pages under it (a run's page is under Runs). */
function isCurrent(pathname: string, href: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * Events after which the set of pending approvals may differ: an approval asked for or decided, or
 * a run, turn or session that ended or changed state (its open approvals end with it).
 */
function mayChangeApprovals(event: GlobalEvent): boolean {
  return event.type.startsWith('approval_') || /^(run|turn|session)_/.test(event.type) || event.type.startsWith('emergency');
}

/**
 * How many approvals wait, so they are noticed from any page. The count is fetched once and fetched
 * again when the global event stream says an approval was requested or decided (no polling).
 */
export function usePendingApprovals(): number {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const principal = usePrincipal();
  const allowed = ['admin', 'runs:read', 'sessions:read'].some((scope) => principal.scopes.includes(scope));
  const pending = useQuery(trpc.approvals.list.queryOptions({ status: 'pending' }, { enabled: allowed, retry: false }));
  const refresh = useCoalesced(() => {
    void queryClient.invalidateQueries(trpc.approvals.list.pathFilter());
  }, 200);
  useGlobalEvents((events) => {
    if (allowed && events.some(mayChangeApprovals)) refresh();
  });
  return pending.data?.length ?? 0;
}

/** The count as a small pill; `testId` only on the one in the nav (the menu button repeats it on narrow screens). */
export function PendingCount({ count, testId }: { count: number; testId?: string }) {
  if (count === 0) return null;
  return (
    <span className="nav-count" data-testid={testId}>
      {count}
      <span className="visually-hidden"> pending</span>
    </span>
  );
}

export function NavLinks({ pendingApprovals }: { pendingApprovals: number }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="nav">
      <ul>
        {LINKS.map((link) => (
          <li key={link.href}>
            <Link href={link.href} aria-current={isCurrent(pathname, link.href) ? 'page' : undefined}>
              {link.label}
              {link.href === '/app/approvals' && <PendingCount count={pendingApprovals} testId="pending-approvals-count" />}
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
