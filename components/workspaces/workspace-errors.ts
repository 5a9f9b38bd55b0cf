/** The server's workspace and folder errors, said in plain words; anything else as errorMessage says it. */
import { TRPCClientError } from '@trpc/client';
import { errorMessage } from '@/lib/errors';

interface ErrorData {
  appCode?: string | null;
  field?: string | null;
}

export const NO_SUCH_FOLDER = 'That folder does not exist under your workspaces.';

function dataOf(error: unknown): ErrorData | undefined {
  return error instanceof TRPCClientError ? ((error.data ?? undefined) as ErrorData | undefined) : undefined;
}

/** A sentence for an error about a workspace, a folder or a spec path, or null when it is about something else. */
export function workspaceErrorMessage(error: unknown): string | null {
  const data = dataOf(error);
  if (!data || !(error instanceof Error)) return null;
  const message = error.message;
  if (data.appCode === 'WORKSPACE_NOT_FOUND') return NO_SUCH_FOLDER;
  if (data.appCode === 'FOLDER_EXISTS') return 'A folder or file with that name is already there.';
  if (data.field === 'workspace_path') {
    if (message.includes('must be an absolute path')) return 'Give the folder’s full path, starting with “/”, or pick it with Browse.';
    if (message.includes('is required')) return 'Choose a workspace folder.';
    if (message.includes('is not a valid path')) return 'That is not a valid folder path.';
    return NO_SUCH_FOLDER;
  }
  if (data.field === 'spec_path') {
    if (message.includes('does not exist')) return 'That spec file does not exist in the workspace.';
    if (message.includes('must be inside the workspace')) return 'The spec file must be inside the workspace folder.';
    if (message.includes('must be a file')) return 'The spec path names a folder, not a file.';
    return null;
  }
  if (data.field === 'name') return 'Folder names use letters, digits, spaces, dots, dashes and underscores, and do not start with a dot.';
  return null;
}

/** What a failed run or session creation says: workspace problems in plain words first. */
export function describeWorkError(error: unknown): string {
  return workspaceErrorMessage(error) ?? errorMessage(error);
}
