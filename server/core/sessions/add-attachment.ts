import fs from 'node:fs/promises';
import path from 'node:path';
import type { Principal } from '@/server/auth/principal';
import { AppError, badRequest } from '@/server/core/shared/errors';
import type { WorkDeps } from '@/server/core/work/deps';
import { findSessionRow } from './find-session';

/** An attachment as a client sends it: a multipart file, or JSON with the bytes in base64. */
export interface AddAttachmentInput {
  sessionId: string;
  file?: Blob & { name?: string };
  contentBase64?: string;
  /** Overrides the file's own name and type. */
  name?: string;
  mimeType?: string;
}

interface Upload {
  name: string;
  mimeType: string;
  bytes: Buffer;
}

// Both alphabets (standard and URL-safe), padding, and the line breaks some encoders insert.
const BASE64 = /^[A-Za-z0-9+/=\s_-]*$/;

async function decodeUpload(input: AddAttachmentInput): Promise<Upload> {
  if (input.file) {
    return { name: input.name ?? input.file.name ?? 'attachment', mimeType: input.mimeType ?? input.file.type, bytes: Buffer.from(await input.file.arrayBuffer()) };
  }
  if (input.contentBase64 !== undefined) {
    if (!BASE64.test(input.contentBase64)) throw badRequest('is not base64', 'content_base64');
    return { name: input.name ?? 'attachment', mimeType: input.mimeType ?? 'application/octet-stream', bytes: Buffer.from(input.contentBase64, 'base64') };
  }
  throw badRequest('send a multipart `file` or JSON `content_base64`', 'file');
}

/**
 * Saves an attachment into the session's workspace under attachments/, so an image part can
 * reference it by the returned workspace-relative `ref`. A name that exists gets a numbered twin.
 */
export async function addAttachment(deps: WorkDeps, principal: Principal, input: AddAttachmentInput): Promise<{ ref: string; mimeType: string; size: number }> {
  const s = await findSessionRow(deps.db, principal, input.sessionId);
  const file = await decodeUpload(input);
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
