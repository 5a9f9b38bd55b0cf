import fs from 'node:fs/promises';
import path from 'node:path';
import type { PermissionPolicy } from '@/db/schema';
import { run } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { assertUnderActiveWorkCap } from '@/server/core/access/active-work-cap';
import { ownerOf } from '@/server/core/access/owner-scope';
import { assertNoEmergencyStop } from '@/server/core/emergency/emergency-state';
import { runStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { chooseModel } from '@/server/core/models/choose-model';
import { badRequest } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import { assertWithinQuota } from '@/server/core/usage/quota';
import { resolveInsideWorkspace, resolveWorkspace } from '@/server/core/workspaces/resolve-workspace';
import type { WorkDeps } from '@/server/core/work/deps';
import { choosePolicy } from '@/server/core/work/permission-profile';
import { getRun } from './get-run';
import { checkRunAttachments, copyRunAttachments, type RunAttachmentRequest } from './run-attachments';
import type { RunDto } from './run-dto';

const MAX_SPEC_BYTES = 1024 * 1024;

export interface CreateRunInput {
  workspacePath: string;
  /** A spec file (relative to the workspace or absolute inside it) whose text is the task… */
  specPath?: string;
  /** …or the task as text. */
  prompt?: string;
  model?: string;
  /** A named permission profile (`default`, `trusted`, …); wins over `policy`. Unknown → 400. */
  profile?: string;
  policy?: PermissionPolicy;
  /** Which face created it; dialect-specific fields ride in metadata. */
  origin: string;
  metadata?: Record<string, unknown>;
  /**
   * Uploaded files to copy into the workspace before the run starts, under `folder` (relative to
   * the workspace); the copies are listed in the run's metadata as `attachments`.
   */
  attachments?: { folder: string; files: readonly RunAttachmentRequest[] };
  /** Field names as the caller's dialect spells them, for 400 messages. */
  fields?: { workspacePath?: string; specPath?: string; prompt?: string; model?: string; attachments?: string };
}

/**
 * Creates a queued run, owned by the principal's owner, and hands it to the engine. Refused during an
 * emergency stop, over quota, or over the owner's active-work cap.
 */
export async function createRun(deps: WorkDeps, principal: Principal, input: CreateRunInput): Promise<RunDto> {
  const f = { workspacePath: 'workspace_path', specPath: 'spec_path', prompt: 'prompt', model: 'model', attachments: 'attachments', ...input.fields };
  const policy = choosePolicy(principal, input);
  await assertNoEmergencyStop(deps.db);
  const workspace = await resolveWorkspace(deps.env, principal, input.workspacePath, f.workspacePath);
  let prompt = input.prompt?.trim() ?? '';
  let specPath: string | null = null;
  if (input.specPath) {
    specPath = await resolveInsideWorkspace(workspace, input.specPath, f.specPath, { mustExist: true });
    const stat = await fs.stat(specPath);
    if (!stat.isFile()) throw badRequest('must be a file', f.specPath);
    if (stat.size > MAX_SPEC_BYTES) throw badRequest(`is larger than ${MAX_SPEC_BYTES} bytes`, f.specPath);
    const spec = await fs.readFile(specPath, 'utf8');
    prompt = prompt ? `${spec}\n\n${prompt}` : spec;
  }
  if (!prompt) throw badRequest(input.specPath ? 'the spec file is empty' : 'is required (or give a spec file)', input.specPath ? f.specPath : f.prompt);
  const modelRef = await chooseModel(deps, input.model, f.model);
  await assertWithinQuota(deps, modelRef.split(':')[0]!);
  await assertUnderActiveWorkCap(deps, principal);
  const attachments = await checkRunAttachments(deps, principal, input.attachments?.files ?? [], f.attachments);

  const id = newId('run');
  const { copied, dir } = await copyRunAttachments(deps, { workspace, folder: input.attachments?.folder ?? '', runId: id, attachments, field: f.attachments });
  const metadata = copied.length ? { ...input.metadata, attachments: copied } : (input.metadata ?? {});
  // The agent learns where its attachments are from its task.
  if (copied.length) prompt += `\n\nAttached files:\n${copied.map((a) => `- ${path.relative(workspace, a.path)}`).join('\n')}`;
  const insert = inTransaction(deps, async (tx, emit) => {
    await tx.insert(run).values({
      id,
      workspacePath: workspace,
      specPath,
      prompt,
      modelRef,
      status: 'queued',
      policy,
      origin: input.origin,
      metadata,
      createdBy: principal.id,
      ownerId: ownerOf(principal),
    });
    await emit(runStream(id), { type: 'run_created', data: { message: 'run queued', status: 'queued', model: modelRef, workspace_path: workspace, spec_path: specPath } });
  });
  // A run that was never stored leaves no copies behind.
  await insert.catch(async (err: unknown) => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    throw err;
  });
  await deps.engine.enqueue({ kind: 'run', id });
  return getRun(deps, principal, { id });
}
