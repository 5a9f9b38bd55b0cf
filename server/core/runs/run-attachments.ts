/**
 * Uploaded files handed to a run: checked when the run is submitted (each file the caller's own,
 * each alias a plain file name) and copied into the run's workspace before the run is queued, so
 * the agent finds them from its first step.
 */
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { z } from 'zod';
import { file } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { badRequest } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { resolveInsideWorkspace } from '@/server/core/workspaces/resolve-workspace';

export const MAX_RUN_ATTACHMENTS = 32;

export interface RunAttachmentRequest {
  fileId: string;
  alias: string;
}

export const runAttachmentSchema = z.object({
  file_id: z.string(),
  alias: z.string(),
  /** Absolute path of the copy inside the workspace. */
  path: z.string(),
  size_bytes: z.number().int(),
  sha256: z.string(),
});
export type RunAttachment = z.infer<typeof runAttachmentSchema>;

/** A plain file name: no directories, no `.`/`..`, nothing a file system treats specially. */
function checkAlias(alias: string, field: string): void {
  if (!alias || alias.length > 255) throw badRequest('must be a file name of 1 to 255 characters', field);
  if (alias === '.' || alias === '..' || /[/\\\x00-\x1f\x7f]/.test(alias) || alias !== alias.trim()) {
    throw badRequest('must be a plain file name (no directories, no "..")', field);
  }
}

export interface CheckedAttachment extends RunAttachmentRequest {
  storagePath: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Validates the attachments of a submission: aliases are plain and distinct, and every file is the
 * caller's own (another owner's file reads as unknown, like a missing one). `field` is the list's
 * name in the caller's dialect (`context.attachments`); errors name the item's own field.
 */
export async function checkRunAttachments(deps: Pick<WorkDeps, 'db'>, principal: Principal, requested: readonly RunAttachmentRequest[], field: string): Promise<CheckedAttachment[]> {
  if (requested.length > MAX_RUN_ATTACHMENTS) throw badRequest(`at most ${MAX_RUN_ATTACHMENTS} attachments`, field);
  const seen = new Set<string>();
  requested.forEach((a, i) => {
    checkAlias(a.alias, `${field}[${i}].alias`);
    if (seen.has(a.alias)) throw badRequest(`alias ${JSON.stringify(a.alias)} is used twice`, `${field}[${i}].alias`);
    seen.add(a.alias);
  });
  if (!requested.length) return [];
  const ids = [...new Set(requested.map((a) => a.fileId))];
  const rows = await deps.db.select().from(file).where(ownedWhere(principal, file.ownerId, inArray(file.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return requested.map((a, i) => {
    const row = byId.get(a.fileId);
    if (!row) throw badRequest('file not found', `${field}[${i}].file_id`);
    return { ...a, storagePath: row.storagePath, sizeBytes: row.sizeBytes, sha256: row.sha256 };
  });
}

/**
 * Copies checked attachments into `<workspace>/<folder>/<runId>/<alias>`: one folder per run, so
 * runs sharing a workspace never overwrite each other's files and nothing of the workspace's own is
 * replaced. The folder is resolved through symlinks and must stay inside the workspace (an earlier
 * agent may have left a link there); the run's own folder is new, and files are created
 * exclusively. Returns the records a run shows and the folder; on failure nothing is left behind.
 */
export async function copyRunAttachments(
  deps: Pick<WorkDeps, 'env'>,
  input: { workspace: string; folder: string; runId: string; attachments: readonly CheckedAttachment[]; field: string },
): Promise<{ copied: RunAttachment[]; dir?: string }> {
  if (!input.attachments.length) return { copied: [] };
  const parent = await resolveInsideWorkspace(input.workspace, input.folder, input.field, { mustExist: false });
  await fs.mkdir(parent, { recursive: true });
  const realParent = await fs.realpath(parent);
  if (!realParent.startsWith(input.workspace + path.sep)) throw badRequest('the attachments folder leads out of the workspace', input.field);
  const runDir = path.join(realParent, input.runId);
  await fs.mkdir(runDir);
  try {
    const copied: RunAttachment[] = [];
    for (const [i, a] of input.attachments.entries()) {
      const target = path.join(runDir, a.alias);
      await fs.copyFile(path.join(deps.env.dataDir, a.storagePath), target, fsConstants.COPYFILE_EXCL).catch((err: NodeJS.ErrnoException) => {
        // The record outlived its bytes (a data directory restored in part): the file is gone for the caller too.
        throw err.code === 'ENOENT' ? badRequest('file not found', `${input.field}[${i}].file_id`) : err;
      });
      copied.push({ file_id: a.fileId, alias: a.alias, path: target, size_bytes: a.sizeBytes, sha256: a.sha256 });
    }
    return { copied, dir: runDir };
  } catch (err) {
    await fs.rm(runDir, { recursive: true, force: true });
    throw err;
  }
}
