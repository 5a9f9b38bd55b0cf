import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeWorkError, NO_SUCH_FOLDER, workspaceErrorMessage } from './workspace-errors';

/** A tRPC error as the API sends it: the message, and the app code and field in its data. */
function apiError(message: string, data: { appCode?: string; field?: string | null; code?: string }) {
  const shape = { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, appCode: null, field: null, ...data } };
  return new TRPCClientError<never>(message, { result: { error: shape } as never });
}

describe('workspace errors in plain words', () => {
  it('says a refused or missing workspace folder the same way', () => {
    expect(workspaceErrorMessage(apiError('workspace_path: not an allowed workspace', { field: 'workspace_path' }))).toBe(NO_SUCH_FOLDER);
    expect(workspaceErrorMessage(apiError('folder not found', { appCode: 'WORKSPACE_NOT_FOUND', code: 'NOT_FOUND' }))).toBe(NO_SUCH_FOLDER);
    expect(NO_SUCH_FOLDER).toBe('That folder does not exist under your workspaces.');
  });

  it('explains the other workspace, spec and folder-name problems', () => {
    expect(workspaceErrorMessage(apiError('workspace_path: must be an absolute path', { field: 'workspace_path' }))).toMatch(/full path/);
    expect(workspaceErrorMessage(apiError('spec_path: specs/x.md does not exist', { field: 'spec_path' }))).toBe('That spec file does not exist in the workspace.');
    expect(workspaceErrorMessage(apiError('spec_path: must be inside the workspace', { field: 'spec_path' }))).toBe('The spec file must be inside the workspace folder.');
    expect(workspaceErrorMessage(apiError('a folder or file with that name already exists', { appCode: 'FOLDER_EXISTS', code: 'CONFLICT' }))).toMatch(/already there/);
    expect(workspaceErrorMessage(apiError('name: use letters…', { field: 'name' }))).toMatch(/^Folder names use/);
  });

  it('leaves other errors to the general wording', () => {
    const other = apiError('prompt: is required (or give a spec file)', { field: 'prompt' });
    expect(workspaceErrorMessage(other)).toBeNull();
    expect(describeWorkError(other)).toBe('Prompt: is required (or give a spec file)');
    expect(workspaceErrorMessage(new Error('boom'))).toBeNull();
  });
});
