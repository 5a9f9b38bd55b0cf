import { eq } from 'drizzle-orm';
import { file } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { notFound } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { toFileDto, type FileDto } from './file-dto';

/** The caller is taken for the ownership rule (another owner's file is 404), which files do not record yet. */
export async function getFile(deps: Pick<Services, 'db'>, _principal: Principal, input: { id: string }): Promise<FileDto> {
  const rows = await deps.db.select().from(file).where(eq(file.id, input.id)).limit(1);
  if (!rows[0]) throw notFound('file', 'FILE_NOT_FOUND');
  return toFileDto(rows[0]);
}
