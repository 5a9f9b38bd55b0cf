import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError, badRequest } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { findSessionRow } from './get-session';

/**
 * Saves an attachment into the session's workspace under attachments/, so an image part can
 * reference it by the returned workspace-relative `ref`. A name that exists gets a numbered twin.
 */
export async function addAttachment(deps: WorkDeps, sessionId: string, file: { name: string; mimeType: string; bytes: Buffer }): Promise<{ ref: string; mimeType: string; size: number }> {
  const s = await findSessionRow(deps.db, sessionId);
  if (file.bytes.length > deps.env.maxUploadBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `attachment is ${file.bytes.length} bytes; the limit is ${deps.env.maxUploadBytes} bytes`, { field: 'file' });
  }
  const base = path.basename(file.name || 'attachment').replace(/[^\w.\-]+/g, '_').replace(/^\.+/, '') || 'attachment';
  const dir = path.join(s.workspacePath, 'attachments');
  await fs.mkdir(dir, { recursive: true });
  const realDir = await fs.realpath(dir);
  if (!realDir.startsWith(s.workspacePath + path.sep)) throw badRequest('attachments directory leaves the workspace', 'file');
  const ext = path.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  for (let n = 0; n < 1000; n++) {
    const name = n === 0 ? base : `${stem}-${n}${ext}`;
    try {
      await fs.writeFile(path.join(realDir, name), file.bytes, { flag: 'wx' });
      return { ref: `attachments/${name}`, mimeType: file.mimeType || 'application/octet-stream', size: file.bytes.length };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new AppError('CONFLICT', 'too many attachments with this name');
}
