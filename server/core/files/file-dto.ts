import type { file } from '@/db/schema';

export interface FileDto {
  file_id: string;
  original_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  created_by: string;
  created_at: string;
}

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
