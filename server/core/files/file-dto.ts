import { z } from 'zod';
import type { file } from '@/db/schema';

export const fileSchema = z.object({
  file_id: z.string(),
  original_name: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().int(),
  sha256: z.string(),
  created_by: z.string(),
  created_at: z.string(),
});
export type FileDto = z.infer<typeof fileSchema>;

export function toFileDto(row: typeof file.$inferSelect): FileDto {
  return {
    file_id: row.id,
    original_name: row.originalName,
    mime_type: row.mimeType,
    size_bytes: row.sizeBytes,
    sha256: row.sha256,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
  };
}
