'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import type { Run } from '@/lib/types';
import { ErrorAlert } from '@/components/ui/error-alert';

/**
 * Export the run (the REST export: run.json, events.ndjson and artifacts as a zip) and run it again
 * with the same prompt, spec, workspace, model and profile.
 */
export function RunActions({ run }: { run: Run }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const rerun = useMutation(
    trpc.runs.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries(trpc.runs.list.pathFilter());
        router.push(`/app/runs/${encodeURIComponent(created.id)}`);
      },
    }),
  );
  const profile = run.policy.profile ?? undefined;
  return (
    <div className="run-actions">
      <a className="button" href={`/v1/runs/${encodeURIComponent(run.id)}/export`} download={`${run.id}.zip`}>
        Export (.zip)
      </a>
      <button
        type="button"
        className="button"
        disabled={rerun.isPending}
        title={profile ? undefined : 'The run had a custom policy; the new run gets the default profile.'}
        onClick={() =>
          rerun.mutate({
            workspacePath: run.workspace_path,
            prompt: run.prompt || undefined,
            specPath: run.spec_path ?? undefined,
            model: run.model,
            profile,
          })
        }
      >
        {rerun.isPending ? 'Starting…' : 'Run again'}
      </button>
      <ErrorAlert message={rerun.error ? `Could not start the run again: ${errorMessage(rerun.error)}` : null} />
    </div>
  );
}
