'use client';
/**
 * The filters of a work list (runs, sessions), kept in the page's URL query so a filtered view can
 * be shared or reloaded: `?status=failed&origin=agentd&q=deploy&page=2`.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { statusLabel } from '@/lib/work';

export const FILTER_KEYS = ['q', 'status', 'workspace', 'model', 'origin', 'owner'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type ListParams = Partial<Record<FilterKey, string>> & { page: number };

/** The faces work can come through: the dashboard and each dialect. */
export const ORIGINS = ['dashboard', 'agentd', 'echohelix', 'autopack', 'aegis', 'everruns'] as const;

export interface ListLocation {
  params: ListParams;
  /** Changes some filters (any change but the page's goes back to page 1). */
  update: (patch: Partial<ListParams>) => void;
  /** The address of this list with some filters changed, for links that narrow it. */
  hrefWith: (patch: Partial<ListParams>) => string;
}

/** The list's filters and page as the URL has them, and ways to change them. */
export function useListParams(): ListLocation {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const params = useMemo<ListParams>(() => {
    const found: ListParams = { page: Math.max(1, Math.floor(Number(search.get('page'))) || 1) };
    for (const key of FILTER_KEYS) {
      const value = search.get(key)?.trim();
      if (value) found[key] = value;
    }
    return found;
  }, [search]);
  const hrefWith = useCallback(
    (patch: Partial<ListParams>) => {
      const next = new URLSearchParams(search.toString());
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined || value === '' || (key === 'page' && value === 1)) next.delete(key);
        else next.set(key, String(value));
      }
      if (!('page' in patch)) next.delete('page');
      const query = next.toString();
      return query ? `${pathname}?${query}` : pathname;
    },
    [search, pathname],
  );
  const update = useCallback((patch: Partial<ListParams>) => router.replace(hrefWith(patch), { scroll: false }), [router, hrefWith]);
  return { params, update, hrefWith };
}

/** The filters the server is asked for, from the URL's (an unknown status is left out rather than refused). */
export function listInput<S extends string>(params: ListParams, statuses: readonly S[], limit: number) {
  const status = statuses.find((s) => s === params.status);
  return {
    limit,
    offset: (params.page - 1) * limit,
    ...(status ? { status: [status] } : {}),
    ...(params.workspace ? { workspace: params.workspace } : {}),
    ...(params.model ? { model: params.model } : {}),
    ...(params.origin ? { origin: params.origin } : {}),
    ...(params.owner ? { owner: params.owner } : {}),
    ...(params.q ? { q: params.q.slice(0, 200) } : {}),
  };
}

/** A text field that applies what is typed once typing pauses (or on Enter), and follows the URL when it changes elsewhere. */
function TextFilter({ label, value, onCommit, placeholder, list, mono }: { label: string; value: string | undefined; onCommit: (value: string) => void; placeholder?: string; list?: string; mono?: boolean }) {
  const id = useId();
  const [text, setText] = useState(value ?? '');
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value ?? '');
  }
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const commit = (next: string) => {
    clearTimeout(timer.current);
    if (next.trim() !== (value ?? '')) onCommit(next.trim());
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        className={mono ? 'mono' : undefined}
        value={text}
        placeholder={placeholder}
        list={list}
        maxLength={200}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => commit(next), 400);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit(text);
          }
        }}
        onBlur={() => commit(text)}
      />
    </div>
  );
}

function SelectFilter({ label, value, options, onChange, describe }: { label: string; value: string | undefined; options: readonly string[]; onChange: (value: string) => void; describe?: (value: string) => string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {describe ? describe(option) : option}
          </option>
        ))}
      </select>
    </div>
  );
}

interface FilterBarProps {
  /** "Filter runs" */
  label: string;
  /** "Search prompts" */
  searchLabel: string;
  params: ListParams;
  onChange: (patch: Partial<ListParams>) => void;
  statuses: readonly string[];
  /** Only the admin sees other owners' work, so only the admin is offered the owner filter. */
  showOwner: boolean;
  /** Suggestions for the workspace and model fields (what the list shows now). */
  workspaces: string[];
  models: string[];
}

/** Search and filters above a work list; every change lands in the URL. */
export function ListFilterBar({ label, searchLabel, params, onChange, statuses, showOwner, workspaces, models }: FilterBarProps) {
  const id = useId();
  const active = FILTER_KEYS.some((key) => params[key]);
  const grid = { gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 12rem), 1fr))', gap: 'var(--space-3)' };
  const narrowing = [params.workspace, params.model, showOwner ? params.owner : undefined].filter(Boolean).length;
  return (
    <form role="search" aria-label={label} className="stack" onSubmit={(e) => e.preventDefault()}>
      <div className="form-grid" style={grid}>
        <TextFilter label={searchLabel} value={params.q} onCommit={(q) => onChange({ q })} />
        <SelectFilter label="Status" value={params.status} options={statuses} describe={statusLabel} onChange={(status) => onChange({ status })} />
        <SelectFilter label="Came through" value={params.origin} options={ORIGINS} onChange={(origin) => onChange({ origin })} />
      </div>
      {/* Open while one of them narrows the list, so a shared or reloaded view shows why. */}
      <details open={narrowing > 0 || undefined}>
        <summary style={{ cursor: 'pointer', fontWeight: 600 }}>More filters{narrowing > 0 ? ` (${narrowing} set)` : ''}</summary>
        <div className="form-grid details-body" style={grid}>
          <TextFilter label="Workspace" value={params.workspace} placeholder="Full path" list={`${id}-workspaces`} mono onCommit={(workspace) => onChange({ workspace })} />
          <TextFilter label="Model" value={params.model} list={`${id}-models`} mono onCommit={(model) => onChange({ model })} />
          {showOwner && <TextFilter label="Owner" value={params.owner} placeholder="User id, or admin" mono onCommit={(owner) => onChange({ owner })} />}
        </div>
      </details>
      <datalist id={`${id}-workspaces`}>
        {workspaces.map((w) => (
          <option key={w} value={w} />
        ))}
      </datalist>
      <datalist id={`${id}-models`}>
        {models.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      {active && (
        <div className="form-actions">
          <button type="button" className="button button-small" onClick={() => onChange(Object.fromEntries(FILTER_KEYS.map((key) => [key, undefined])))}>
            Clear filters
          </button>
        </div>
      )}
    </form>
  );
}

/** What to say when a page is empty: nothing yet, or nothing matching. */
export function emptyMessage(params: ListParams, nothingYet: string, what: string): string {
  return FILTER_KEYS.some((key) => params[key]) ? `No ${what} match these filters.` : nothingYet;
}

/** The last part of a workspace path, which tells workspaces apart at a glance. */
export function workspaceName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.at(-1) ?? path;
}

/** Distinct values, in first-seen order. */
export const distinct = (values: string[]): string[] => [...new Set(values)];
