'use client';
/**
 * The workspace field of the run and session forms: a path that can still be typed, with the
 * principal's recent workspaces one click away and a folder browser confined (by the server) to
 * the principal's workspace roots.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
// Type-only: the router's runtime must never reach the browser bundle.
import type { AppRouter } from '@/server/api/root';
import { workspaceErrorMessage } from './workspace-errors';
import styles from './workspace-picker.module.css';

type Outputs = inferRouterOutputs<AppRouter>;
type Root = Outputs['workspaces']['roots']['roots'][number];

const isInside = (p: string, root: string) => p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);

/** The deepest root holding the path, if any. */
function rootOf(p: string, roots: readonly Root[]): Root | undefined {
  return roots.filter((r) => isInside(p, r.path)).sort((a, b) => b.path.length - a.path.length)[0];
}

const lastSegment = (p: string) => p.split('/').filter(Boolean).pop() ?? p;

/** How a root is named in the picker: "Your workspaces" for a user's own root, its folder name for the admin's. */
const rootLabel = (root: Root) => (root.kind === 'own' ? 'Your workspaces' : lastSegment(root.path));

/** A path as the picker shows it: relative to the root that holds it, else in full. */
function shortPath(p: string, roots: readonly Root[]): string {
  const root = rootOf(p, roots);
  if (!root || p === root.path) return root ? rootLabel(root) : p;
  return p.slice(root.path.length).replace(/^\/+/, '');
}

export interface WorkspacePickerProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
}

export function WorkspacePicker({ id, value, onChange }: WorkspacePickerProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const uid = useId();
  const panelId = `${id}-browser`;
  const hintId = `${id}-hint`;
  const recentLabelId = `${uid}-recent`;
  const toggleRef = useRef<HTMLButtonElement>(null);
  const currentCrumbRef = useRef<HTMLLIElement>(null);
  // Set when the user moves to another folder, so the focus follows them there (the button they used is gone).
  const moved = useRef(false);
  const [open, setOpen] = useState(false);
  const [browsePath, setBrowsePath] = useState<string | null>(null);
  const [newFolder, setNewFolder] = useState('');

  const roots = useQuery(trpc.workspaces.roots.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  const recent = useQuery(trpc.workspaces.recent.queryOptions({ limit: 6 }));
  const rootList = roots.data?.roots ?? [];
  const own = rootList[0]?.kind === 'own';
  const current = browsePath ?? rootList[0]?.path ?? null;
  const listing = useQuery(
    trpc.workspaces.browse.queryOptions({ path: current ?? undefined }, { enabled: open && current !== null, placeholderData: keepPreviousData, staleTime: 10_000 }),
  );
  const createFolder = useMutation(
    trpc.workspaces.createFolder.mutationOptions({
      onSuccess: async (made) => {
        setNewFolder('');
        await queryClient.invalidateQueries(trpc.workspaces.browse.pathFilter());
        goTo(made.path);
      },
    }),
  );

  const shown = listing.data;

  useEffect(() => {
    if (!moved.current || !shown || listing.isFetching) return;
    moved.current = false;
    currentCrumbRef.current?.focus();
  }, [shown, listing.isFetching]);

  function goTo(path: string) {
    moved.current = true;
    setBrowsePath(path);
  }
  const currentRoot = shown ? rootList.find((r) => r.path === shown.root) : current ? rootOf(current, rootList) : undefined;

  function openBrowser() {
    // Start where the typed path points when it is a folder under a root, else at the first root.
    const typed = value.trim().replace(/\/+$/, '');
    setBrowsePath(typed.startsWith('/') && rootOf(typed, rootList) ? typed : (rootList[0]?.path ?? null));
    createFolder.reset();
    setOpen(true);
  }

  function close() {
    setOpen(false);
    toggleRef.current?.focus();
  }

  function choose(path: string) {
    onChange(path);
    close();
  }

  function onPanelKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    }
  }

  function submitNewFolder(event: { preventDefault(): void }) {
    event.preventDefault();
    if (!shown || !newFolder.trim()) return;
    createFolder.mutate({ parent: shown.path, name: newFolder.trim() });
  }

  // Crumbs from the root down to the folder listed.
  const crumbs: Array<{ label: string; path: string }> = [];
  if (shown && currentRoot) {
    crumbs.push({ label: rootLabel(currentRoot), path: shown.root });
    let at = shown.root;
    for (const part of shown.path.slice(shown.root.length).split('/').filter(Boolean)) {
      at = `${at}/${part}`;
      crumbs.push({ label: part, path: at });
    }
  }

  const browseError = listing.isError ? (workspaceErrorMessage(listing.error) ?? 'Could not list the folders. Try again.') : null;
  const createError = createFolder.isError ? (workspaceErrorMessage(createFolder.error) ?? 'Could not create the folder. Try again.') : null;
  const recentItems = recent.data?.workspaces ?? [];

  return (
    <div className={`field ${styles.picker}`}>
      <label htmlFor={id}>Workspace path</label>
      <div className={styles.pathRow}>
        <input
          id={id}
          name="workspacePath"
          required
          spellCheck={false}
          autoComplete="off"
          className="mono"
          placeholder={own ? 'my-project, or a full path' : '/absolute/path/to/workspace'}
          aria-describedby={hintId}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
        <button
          ref={toggleRef}
          type="button"
          className="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => (open ? close() : openBrowser())}
          disabled={!roots.data}
        >
          {open ? 'Close browser' : 'Browse…'}
        </button>
      </div>
      <span id={hintId} className="field-hint">
        {rootList.length === 0 ? (
          'An existing folder under the server’s workspace roots.'
        ) : own ? (
          <>
            A folder in your workspaces (<span className={`mono ${styles.path}`}>{rootList[0]!.path}</span>): its name, or its full path.
          </>
        ) : (
          <>
            The full path of a folder under {rootList.length === 1 ? 'the workspace root' : 'a workspace root'}{' '}
            {rootList.map((r, i) => (
              <span key={r.path}>
                {i > 0 && ', '}
                <span className={`mono ${styles.path}`}>{r.path}</span>
              </span>
            ))}
            .
          </>
        )}
      </span>

      {recentItems.length > 0 && (
        <div className={styles.recent} role="group" aria-labelledby={recentLabelId}>
          <span id={recentLabelId} className="field-hint">
            Recent:
          </span>
          <ul className={styles.recentList}>
            {recentItems.map((w) => (
              <li key={w.path}>
                <button
                  type="button"
                  className={styles.recentButton}
                  aria-pressed={value === w.path}
                  title={`${w.path} — last used ${formatDateTime(w.lastUsedAt)}`}
                  onClick={() => onChange(w.path)}
                >
                  {shortPath(w.path, rootList)}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {open && (
        <div id={panelId} className={styles.panel} role="group" aria-label="Browse workspace folders" onKeyDown={onPanelKeyDown}>
          {rootList.length > 1 && (
            <div className="field">
              <label htmlFor={`${id}-root`}>Workspace root</label>
              <select id={`${id}-root`} className="mono" value={currentRoot?.path ?? ''} onChange={(e) => setBrowsePath(e.target.value)}>
                {rootList.map((r) => (
                  <option key={r.path} value={r.path}>
                    {r.path}
                  </option>
                ))}
              </select>
            </div>
          )}

          {crumbs.length > 0 && (
            <nav aria-label="Folder path">
              <ol className={styles.crumbs}>
                {crumbs.map((c, i) =>
                  i === crumbs.length - 1 ? (
                    <li key={c.path} ref={currentCrumbRef} tabIndex={-1} aria-current="location" className={styles.crumbCurrent}>
                      {c.label}
                    </li>
                  ) : (
                    <li key={c.path}>
                      <button type="button" className={styles.linkButton} onClick={() => goTo(c.path)}>
                        {c.label}
                      </button>
                    </li>
                  ),
                )}
              </ol>
            </nav>
          )}

          <ErrorAlert message={browseError} />
          {browseError && rootList[0] && (
            <div>
              <button type="button" className="button button-small" onClick={() => goTo(rootList[0]!.path)}>
                Back to {rootLabel(rootList[0])}
              </button>
            </div>
          )}

          {shown && !browseError && (
            <>
              {shown.folders.length === 0 ? (
                <p className={`muted ${styles.empty}`}>No folders here.</p>
              ) : (
                <ul className={styles.folders} aria-label={`Folders in ${crumbs.at(-1)?.label ?? shown.path}`} aria-busy={listing.isFetching}>
                  {shown.parent && (
                    <li>
                      <button type="button" className={styles.folderButton} onClick={() => goTo(shown.parent!)}>
                        <span aria-hidden="true" className={styles.icon}>
                          ↑
                        </span>
                        Up one level
                      </button>
                    </li>
                  )}
                  {shown.folders.map((f) => (
                    <li key={f.path}>
                      <button type="button" className={styles.folderButton} onClick={() => goTo(f.path)}>
                        <span aria-hidden="true" className={styles.icon}>
                          ▸
                        </span>
                        {f.name}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {shown.truncated && <p className="field-hint">Only the first {shown.folders.length} folders are listed; type the path for one further down.</p>}
              {shown.folders.length === 0 && shown.parent && (
                <div>
                  <button type="button" className="button button-small" onClick={() => goTo(shown.parent!)}>
                    Up one level
                  </button>
                </div>
              )}
              <div className={styles.chosen}>
                <span className="field-hint">Folder:</span> <span className={`mono ${styles.path}`}>{shown.path}</span>
              </div>
              <div className={styles.actions}>
                <button type="button" className="button button-primary" onClick={() => choose(shown.path)}>
                  Use this folder
                </button>
                <button type="button" className="button" onClick={close}>
                  Cancel
                </button>
              </div>
              <div className={styles.newFolder}>
                <label htmlFor={`${id}-new-folder`}>New folder here</label>
                <div className={styles.pathRow}>
                  <input
                    id={`${id}-new-folder`}
                    autoComplete="off"
                    spellCheck={false}
                    maxLength={100}
                    value={newFolder}
                    onChange={(e) => setNewFolder(e.target.value)}
                    onKeyDown={(e) => {
                      // Enter creates the folder instead of submitting the run or session form.
                      if (e.key === 'Enter') submitNewFolder(e);
                    }}
                  />
                  <button type="button" className="button" onClick={submitNewFolder} disabled={createFolder.isPending || !newFolder.trim()}>
                    {createFolder.isPending ? 'Creating…' : 'Create folder'}
                  </button>
                </div>
                <ErrorAlert message={createError} />
              </div>
            </>
          )}
          {!shown && !browseError && <p className="muted">Loading folders…</p>}
        </div>
      )}
    </div>
  );
}
