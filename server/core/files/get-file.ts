import { eq } from 'drizzle-orm';
import { file } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { ownedWhere } from '@/server/core/access/owner-scope';
import { notFound } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { toFileDto, type FileDto } from './file-dto';

/** The file's record; unknown, or another owner's → FILE_NOT_FOUND. */
export async function getFile(deps: Pick<Services, 'db'>, principal: Principal, input: { id: string }): Promise<FileDto> {
  const rows = await deps.db.select().from(file).where(ownedWhere(principal, file.ownerId, eq(file.id, input.id))).limit(1);
  if (!rows[0]) throw notFound('file', 'FILE_NOT_FOUND');
  return toFileDto(rows[0]);
}
