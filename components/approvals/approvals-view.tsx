'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import type { StreamEvent } from '@/lib/types';
import { useCoalesced } from '@/lib/use-event-stream';
import { useGlobalEvents } from '@/components/shell/global-events';
import { ErrorAlert } from '@/components/ui/error-alert';
import { ApprovalCard } from './approval-card';
import { ApprovalHistory } from './approval-history';
import styles from './approvals.module.css';

/** The most pending approvals shown at once (the oldest: they have waited longest). */
export const PENDING_PAGE = 50;

/** Whether a global event changes what the inbox shows: a request, a decision, a timeout. */
function touchesApprovals(event: StreamEvent): boolean {
  return event.type.startsWith('approval_');
}

/** Keys typed into a field are text, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Everything waiting for a human, across runs and sessions, with the context to decide it, and the
 * decisions made so far. Live: requests and decisions (from any tab, the API, a timeout) arrive
 * through the global event stream. Keyboard: j/k move between requests, a approves, d denies.
 */
export function ApprovalsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useQuery(trpc.approvals.inbox.queryOptions({ status: 'pending', limit: PENDING_PAGE }, { refetchOnMount: 'always' }));
  const approvals = pending.data?.items ?? [];

  const refresh = useCoalesced(() => {
    void queryClient.invalidateQueries(trpc.approvals.inbox.pathFilter());
    void queryClient.invalidateQueries(trpc.approvals.list.pathFilter());
  }, 250);
  const { state } = useGlobalEvents((events) => {
    if (events.some(touchesApprovals)) refresh();
  });

  // Keyboard selection: an index into the pending list, kept in range as requests come and go.
  const [selected, setSelected] = useState(0);
  const [keyboardActive, setKeyboardActive] = useState(false);
  const cards = useRef(new Map<string, HTMLElement>());
  const headingRef = useRef<HTMLHeadingElement>(null);
  const index = approvals.length ? Math.min(selected, approvals.length - 1) : -1;
  const current = index >= 0 ? approvals[index] : undefined;

  const focusCard = useCallback((id: string | undefined) => {
    if (id) cards.current.get(id)?.focus();
  }, []);

  // When the decided request leaves the list, the next one takes the focus (or the heading, if none is left).
  const currentId = current?.id;
  useEffect(() => {
    if (!keyboardActive) return;
    const active = document.activeElement;
    const focusIsInList = active instanceof HTMLElement && (active === document.body || active.closest('[data-testid="approval-card"]') !== null);
    if (!focusIsInList) return;
    if (currentId) focusCard(currentId);
    else headingRef.current?.focus();
  }, [currentId, keyboardActive, focusCard]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      if (!approvals.length) return;
      const key = event.key;
      if (key === 'j' || key === 'k') {
        event.preventDefault();
        setKeyboardActive(true);
        const next = index < 0 ? 0 : Math.max(0, Math.min(approvals.length - 1, index + (key === 'j' ? 1 : -1)));
        // The first j starts on the first request rather than skipping it.
        const target = !keyboardActive ? Math.max(index, 0) : next;
        setSelected(target);
        focusCard(approvals[target]?.id);
      } else if ((key === 'a' || key === 'd') && current) {
        event.preventDefault();
        setKeyboardActive(true);
        const button = cards.current.get(current.id)?.querySelector<HTMLButtonElement>(`button[data-decision="${key === 'a' ? 'approve' : 'deny'}"]`);
        if (button && !button.disabled) button.click();
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [approvals, index, current, keyboardActive, focusCard]);

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Approvals</h1>
        <span className="spacer live-status" data-state={state} role="status">
          {state === 'open' ? 'Live' : state === 'failed' ? 'Live updates stopped; reload the page' : 'Connecting…'}
        </span>
      </div>
      <p className="muted">
        Tool calls that the permission profile of their run or session sends to a human. The agent waits until you decide; a denial
        (with your reason) is reported back to it.
      </p>
      <section className="card stack" aria-labelledby="pending-heading">
        <h2 id="pending-heading" ref={headingRef} tabIndex={-1}>
          Pending{pending.data ? ` (${pending.data.total})` : ''}
        </h2>
        <p className={`muted ${styles.hint}`} id="approval-shortcuts">
          Keyboard: <kbd>j</kbd> / <kbd>k</kbd> move between requests, <kbd>a</kbd> approves, <kbd>d</kbd> denies (not while typing a
          reason).
        </p>
        {pending.isPending && <p className="muted">Loading approvals…</p>}
        <ErrorAlert message={pending.error ? errorMessage(pending.error) : null} />
        {pending.data && approvals.length === 0 && <p className="muted">Nothing is waiting for approval.</p>}
        {approvals.length > 0 && (
          <ul className="approval-list" aria-label="Pending approvals" aria-describedby="approval-shortcuts">
            {approvals.map((approval, i) => (
              <li key={approval.id}>
                <ApprovalCard
                  approval={approval}
                  selected={keyboardActive && i === index}
                  onFocus={() => setSelected(i)}
                  ref={(el) => {
                    if (el) cards.current.set(approval.id, el);
                    else cards.current.delete(approval.id);
                  }}
                />
              </li>
            ))}
          </ul>
        )}
        {pending.data && pending.data.total > approvals.length && (
          <p className="muted">
            Showing the {approvals.length} oldest of {pending.data.total}; decide these to see the rest.
          </p>
        )}
      </section>
      <ApprovalHistory />
    </div>
  );
}
