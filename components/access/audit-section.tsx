'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import type { AuditEntry } from '@/lib/types';
import { ErrorAlert } from '@/components/ui/error-alert';
import { AUDIT_ACTION_LABELS, AUDIT_ACTION_NAMES, auditActionLabel, type AuditActionName } from './audit-actions';

export const AUDIT_PAGE = 20;

/** A few words about the target: a key's name, a sign-in's method. Never a secret (the server keeps none here). */
function targetOf(entry: AuditEntry): string {
  const detail = entry.detail ?? {};
  const name = typeof detail.name === 'string' ? detail.name : undefined;
  const method = typeof detail.method === 'string' ? detail.method : undefined;
  const label = name ? `“${name}”` : method ? `with ${method}` : '';
  const id = entry.target_id ? `${entry.target_kind ?? ''} ${entry.target_id}`.trim() : '';
  return [label, id].filter(Boolean).join(' · ') || '—';
}

/**
 * Who did what to the accounts: sign-ins, keys created and revoked, sessions signed out. Filtered by
 * action or by who acted; newest first, a page at a time.
 */
export function AuditSection() {
  const trpc = useTRPC();
  const [action, setAction] = useState<AuditActionName | ''>('');
  const [actorDraft, setActorDraft] = useState('');
  const [actor, setActor] = useState('');
  // The cursors of the pages before this one (each page starts below the last id of the previous).
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1);
  const audit = useQuery(
    trpc.audit.list.queryOptions(
      { limit: AUDIT_PAGE, ...(before ? { before } : {}), ...(action ? { action } : {}), ...(actor ? { actor } : {}) },
      { placeholderData: keepPreviousData },
    ),
  );
  const entries = audit.data ?? [];

  function applyActor(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setActor(actorDraft.trim());
    setCursors([]);
  }

  return (
    <section className="card stack" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit trail</h2>
      <form className="form-grid" onSubmit={applyActor} aria-label="Filter the audit trail">
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select
            id="audit-action"
            value={action}
            onChange={(e) => {
              setAction(e.target.value as AuditActionName | '');
              setCursors([]);
            }}
          >
            <option value="">All actions</option>
            {AUDIT_ACTION_NAMES.map((name) => (
              <option key={name} value={name}>
                {AUDIT_ACTION_LABELS[name]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Done by (id)</label>
          <input id="audit-actor" placeholder="a user id, key id or admin" value={actorDraft} maxLength={200} onChange={(e) => setActorDraft(e.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-small">
            Filter
          </button>
          {(actor || action) && (
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setAction('');
                setActor('');
                setActorDraft('');
                setCursors([]);
              }}
            >
              Clear filters
            </button>
          )}
        </div>
      </form>
      {audit.isPending && <p className="muted">Loading the audit trail…</p>}
      <ErrorAlert message={audit.error ? errorMessage(audit.error) : null} />
      {audit.data && entries.length === 0 && <p className="muted">Nothing recorded{action || actor ? ' for this filter' : ''}.</p>}
      {entries.length > 0 && (
        <div className="table-wrap" role="region" aria-labelledby="audit-heading" tabIndex={0}>
          <table className="table" aria-labelledby="audit-heading" data-testid="audit-trail">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">By</th>
                <th scope="col">Target</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.created_at)}</td>
                  <td>{auditActionLabel(entry.action)}</td>
                  <td className="break">
                    <span className="muted">{entry.principal_kind.replace('_', ' ')}</span> <code>{entry.principal_id}</code>
                  </td>
                  <td className="break">{targetOf(entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 0 || entries.length === AUDIT_PAGE) && (
        <nav className="pager" aria-label="Audit trail pages">
          <button type="button" className="button button-small" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={entries.length < AUDIT_PAGE}
            onClick={() => setCursors([...cursors, entries.at(-1)!.id])}
          >
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
