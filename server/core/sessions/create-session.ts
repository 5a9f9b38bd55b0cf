import fs from 'node:fs/promises';
import path from 'node:path';
import { agentSession, SESSION_MODES, type PermissionPolicy, type SessionMode } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownerOf } from '@/server/core/access/owner-scope';
import { assertNoEmergencyStop } from '@/server/core/emergency/emergency-state';
import { sessionStream } from '@/server/core/events/streams';
import { inTransaction } from '@/server/core/events/unit-of-work';
import { chooseModel } from '@/server/core/models/choose-model';
import { badRequest } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import { resolveInsideWorkspace, resolveWorkspace } from '@/server/core/workspaces/resolve-workspace';
import type { WorkDeps } from '@/server/core/work/deps';
import { choosePolicy } from '@/server/core/work/permission-profile';
import { getSession } from './get-session';
import type { SessionDetailDto } from './session-dto';

export interface CreateSessionInput {
  workspacePath: string;
  systemPrompt?: string;
  autoRun?: boolean;
  mode?: string;
  specPath?: string;
  model?: string;
  /** A named permission profile (`default`, `trusted`, …); wins over `policy`. Unknown → 400. */
  profile?: string;
  policy?: PermissionPolicy;
  title?: string;
  parentId?: string;
  origin: string;
  metadata?: Record<string, unknown>;
  fields?: { workspacePath?: string; specPath?: string; model?: string };
}

export const SPEC_DRAFT = (sessionId: string) =>
  `# Spec\n\nDrafted for session ${sessionId}. Describe the goal, the constraints and how to tell it is done.\n\n## Goal\n\n## Constraints\n\n## Done when\n`;

/** The spec file of a spec-mode session: the given path (inside the workspace), or a fresh draft. */
export async function ensureSpecFile(workspace: string, sessionId: string, specPath: string | undefined, field: string): Promise<string> {
  // The draft's default place is confined like a given path: `specs` may be a symlink leading out.
  const target = await resolveInsideWorkspace(workspace, specPath ?? path.join('specs', `session-${sessionId}`, 'spec.md'), field, { mustExist: false });
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, SPEC_DRAFT(sessionId), { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return target;
}

/** A mode as a caller spelled it: `chat` or `spec`, anything else a 400 on `mode`. */
export function parseSessionMode(value: string): SessionMode {
  const mode = SESSION_MODES.find((m) => m === value);
  if (!mode) throw badRequest('must be chat or spec', 'mode');
  return mode;
}

export async function createSession(deps: WorkDeps, principal: Principal, input: CreateSessionInput): Promise<SessionDetailDto> {
  const f = { workspacePath: 'workspace_path', specPath: 'spec_path', model: 'model', ...input.fields };
  const policy = choosePolicy(principal, input);
  await assertNoEmergencyStop(deps.db);
  const workspace = await resolveWorkspace(deps.env, principal, input.workspacePath, f.workspacePath);
  const mode = parseSessionMode(input.mode ?? 'chat');
  const modelRef = await chooseModel(deps, input.model, f.model);
  const id = newId('sess');
  const specPath = mode === 'spec' ? await ensureSpecFile(workspace, id, input.specPath, f.specPath) : input.specPath ? await resolveInsideWorkspace(workspace, input.specPath, f.specPath, { mustExist: false }) : null;
  await inTransaction(deps, async (tx, emit) => {
    await tx.insert(agentSession).values({
      id,
      workspacePath: workspace,
      status: 'idle',
      mode,
      specPath,
      systemPrompt: input.systemPrompt ?? null,
      modelRef,
      title: input.title ?? null,
      policy,
      autoRun: input.autoRun ?? true,
      origin: input.origin,
      metadata: input.metadata ?? {},
      parentId: input.parentId ?? null,
      createdBy: principal.id,
      ownerId: ownerOf(principal),
    });
    await emit(sessionStream(id), { type: 'session_created', data: { session_id: id, mode, model: modelRef, workspace_path: workspace, ...(specPath ? { spec_path: specPath } : {}) } });
  });
  return getSession(deps, principal, { id });
}
