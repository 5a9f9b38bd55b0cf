import { z } from 'zod';
import { getFile } from '@/server/core/files/get-file';
import { storeUpload } from '@/server/core/files/store-upload';
import { rest } from '../rest-meta';
import { echohelixProcedure } from './procedures';

const fileSchema = z.object({
  file_id: z.string(),
  original_name: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().int(),
  sha256: z.string(),
  created_by: z.string(),
  created_at: z.string(),
});

export const uploadFile = echohelixProcedure('runs:submit')
  .meta(rest('echohelix', 'POST', '/api/v3/files', { status: 201, summary: 'Upload a file (multipart field `file`); over MAX_UPLOAD_BYTES is 413' }))
  .input(z.object({ file: z.file() }))
  .output(fileSchema)
  .mutation(({ ctx, input }) => storeUpload(ctx.services, ctx.principal, input.file));

export const fileMetadata = echohelixProcedure('runs:read')
  .meta(rest('echohelix', 'GET', '/api/v3/files/{file_id}', { summary: 'Uploaded file metadata' }))
  .input(z.object({ file_id: z.string().min(1) }))
  .output(fileSchema)
  .query(({ ctx, input }) => getFile(ctx.services, input.file_id));
