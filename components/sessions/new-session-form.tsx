'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import { ModelField, ProfileField, useRememberedWorkspace } from '@/components/work/work-fields';
import { describeWorkError } from '@/components/workspaces/workspace-errors';
import { WorkspacePicker } from '@/components/workspaces/workspace-picker';

/** Opens a chat session on a workspace and goes straight to it. */
export function NewSessionForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [workspacePath, setWorkspacePath] = useState('');
  const [title, setTitle] = useState('');
  const [systemPrompt, setSystemPrompt] = useState('');
  const [model, setModel] = useState('');
  const [profile, setProfile] = useState('default');
  const [problem, setProblem] = useState<string | null>(null);
  const remember = useRememberedWorkspace(setWorkspacePath);

  const create = useMutation(
    trpc.sessions.create.mutationOptions({
      onSuccess: async (session) => {
        remember(session.workspace_path);
        queryClient.setQueryData(trpc.sessions.get.queryKey({ id: session.id }), session);
        await queryClient.invalidateQueries(trpc.sessions.list.pathFilter());
        void queryClient.invalidateQueries(trpc.workspaces.recent.pathFilter());
        router.push(`/app/sessions/${session.id}`);
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!workspacePath.trim()) return setProblem('Choose a workspace folder, or type its path.');
    setProblem(null);
    create.mutate({
      workspacePath: workspacePath.trim(),
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(systemPrompt.trim() ? { systemPrompt } : {}),
      ...(model ? { model } : {}),
      profile,
    });
  }

  const error = problem ?? (create.error ? describeWorkError(create.error) : null);

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="new-session-heading" noValidate>
      <h2 id="new-session-heading">New session</h2>
      <WorkspacePicker id="session-workspace" value={workspacePath} onChange={setWorkspacePath} />
      <div className="form-grid">
        <div className="field">
          <label htmlFor="session-title">Title (optional)</label>
          <input id="session-title" name="title" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <ModelField id="session-model" value={model} onChange={setModel} />
        <ProfileField id="session-profile" value={profile} onChange={setProfile} />
      </div>
      <div className="field">
        <label htmlFor="session-system">System prompt (optional)</label>
        <textarea id="session-system" name="systemPrompt" rows={3} value={systemPrompt} onChange={(e) => setSystemPrompt(e.target.value)} />
      </div>
      <ErrorAlert message={error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create session'}
        </button>
      </div>
    </form>
  );
}
