'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc';
import { ErrorAlert } from '@/components/ui/error-alert';
import { ModelField, ProfileField, useRememberedWorkspace } from '@/components/work/work-fields';
import { describeWorkError } from '@/components/workspaces/workspace-errors';
import { WorkspacePicker } from '@/components/workspaces/workspace-picker';

/** Starts a run from a prompt (or a spec file in the workspace) and opens its page to follow it. */
export function NewRunForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [workspacePath, setWorkspacePath] = useState('');
  const [prompt, setPrompt] = useState('');
  const [specPath, setSpecPath] = useState('');
  const [model, setModel] = useState('');
  const [profile, setProfile] = useState('default');
  const [problem, setProblem] = useState<string | null>(null);
  const remember = useRememberedWorkspace(setWorkspacePath);

  const create = useMutation(
    trpc.runs.create.mutationOptions({
      onSuccess: async (run) => {
        remember(run.workspace_path);
        await queryClient.invalidateQueries(trpc.runs.list.pathFilter());
        void queryClient.invalidateQueries(trpc.workspaces.recent.pathFilter());
        router.push(`/app/runs/${run.id}`);
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!workspacePath.trim()) return setProblem('Choose a workspace folder, or type its path.');
    if (!prompt.trim() && !specPath.trim()) return setProblem('Write a prompt or name a spec file.');
    setProblem(null);
    create.mutate({
      workspacePath: workspacePath.trim(),
      ...(prompt.trim() ? { prompt } : {}),
      ...(specPath.trim() ? { specPath: specPath.trim() } : {}),
      ...(model ? { model } : {}),
      profile,
    });
  }

  const error = problem ?? (create.error ? describeWorkError(create.error) : null);

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="new-run-heading" noValidate>
      <h2 id="new-run-heading">New run</h2>
      <WorkspacePicker id="run-workspace" value={workspacePath} onChange={setWorkspacePath} />
      <div className="field">
        <label htmlFor="run-prompt">Prompt</label>
        <textarea id="run-prompt" name="prompt" rows={4} value={prompt} onChange={(e) => setPrompt(e.target.value)} placeholder="What should the agent do?" />
      </div>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="run-spec">Spec file (optional)</label>
          <input
            id="run-spec"
            name="specPath"
            className="mono"
            spellCheck={false}
            placeholder="e.g. specs/task.md"
            value={specPath}
            onChange={(e) => setSpecPath(e.target.value)}
          />
        </div>
        <ModelField id="run-model" value={model} onChange={setModel} />
        <ProfileField id="run-profile" value={profile} onChange={setProfile} />
      </div>
      <ErrorAlert message={error} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}
