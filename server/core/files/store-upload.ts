import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { file as fileTable } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownerOf } from '@/server/core/access/owner-scope';
import { AppError, badRequest } from '@/server/core/shared/errors';
import { newId } from '@/server/core/shared/ids';
import type { Services } from '@/server/services';
import { toFileDto, type FileDto } from './file-dto';

/**
 * Keeps an uploaded file: size-checked against MAX_UPLOAD_BYTES (exactly the limit is accepted),
 * hashed, written to disk, then recorded. The bytes are written first and removed again if the
 * row cannot be stored, so a failed upload leaves neither a row nor a stray file.
 */
export async function storeUpload(deps: Pick<Services, 'db' | 'env'>, principal: Principal, input: { file: File }): Promise<FileDto> {
  const upload = input.file;
  const max = deps.env.maxUploadBytes;
  if (upload.size > max) {
    throw new AppError('PAYLOAD_TOO_LARGE', `file is ${upload.size} bytes; the limit is ${max} bytes`, { field: 'file' });
  }
  const name = path.basename(upload.name || 'upload').slice(0, 255);
  if (!name || name === '.' || name === '..') throw badRequest('has no usable name', 'file');

  const bytes = Buffer.from(await upload.arrayBuffer());
  const id = newId('file');
  const relative = path.join('files', id);
  const absolute = path.join(deps.env.dataDir, relative);
  await fs.mkdir(path.dirname(absolute), { recursive: true });
  await fs.writeFile(absolute, bytes, { flag: 'wx', mode: 0o600 });
  try {
    const [row] = await deps.db
      .insert(fileTable)
      .values({
        id,
        originalName: name,
        mimeType: upload.type || 'application/octet-stream',
        sizeBytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        createdBy: principal.id,
        ownerId: ownerOf(principal),
        storagePath: relative,
      })
      .returning();
    return toFileDto(row!);
  } catch (err) {
    await fs.rm(absolute, { force: true });
    throw err;
  }
}
