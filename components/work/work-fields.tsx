'use client';
/** Form fields that runs and sessions share: workspace, model and permission profile. */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC } from '@/lib/trpc';
import { describeProfile, PROFILE_NAMES } from '@/lib/work';

const LAST_WORKSPACE_KEY = 'switchboard.lastWorkspace';

/** The last workspace path used in this browser, offered again on the next form. */
export function useRememberedWorkspace(setWorkspace: (value: string) => void): (value: string) => void {
  useEffect(() => {
    try {
      const saved = window.localStorage.getItem(LAST_WORKSPACE_KEY);
      if (saved) setWorkspace(saved);
    } catch {
      // Storage disabled: nothing to restore.
    }
    // Only on mount: the user's typing must not be overwritten later.
  }, []);
  return (value: string) => {
    try {
      window.localStorage.setItem(LAST_WORKSPACE_KEY, value);
    } catch {
      // Storage disabled: not remembered, no harm done.
    }
  };
}

export function WorkspaceField({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>Workspace path</label>
      <input
        id={id}
        name="workspacePath"
        required
        spellCheck={false}
        autoComplete="off"
        className="mono"
        placeholder="/absolute/path/to/workspace"
        aria-describedby={`${id}-hint`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <span id={`${id}-hint`} className="field-hint">
        An existing directory under the server&apos;s workspace roots.
      </span>
    </div>
  );
}

/** The models this server can use; an empty value means the server's default. */
export function ModelField({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  return (
    <div className="field">
      <label htmlFor={id}>Model</label>
      <select id={id} name="model" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{models.data ? `Server default (${models.data.defaultModel})` : 'Server default'}</option>
        {models.data?.models.map((m) => (
          <option key={m.ref} value={m.ref}>
            {m.displayName} ({m.ref})
          </option>
        ))}
      </select>
      {models.isError && <span className="field-hint">Could not load the model list; the server default will be used.</span>}
    </div>
  );
}

export function ProfileField({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>Permission profile</label>
      <select id={id} name="profile" value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-hint`}>
        {PROFILE_NAMES.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <span id={`${id}-hint`} className="field-hint">
        {describeProfile(value)}
      </span>
    </div>
  );
}
