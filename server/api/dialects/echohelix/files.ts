/** Uploaded files: upload (multipart), metadata. */
import { z } from 'zod';
import * as files from '@/server/core/files';
import { endpoint } from '../endpoint';
import { idParam } from '../schemas';
import { workload } from './guards';
import { echohelixFile } from './shapes/files';

export const uploadFile = endpoint({
  dialect: 'echohelix',
  method: 'POST',
  path: '/api/v3/files',
  ...workload('runs:submit'),
  status: 201,
  summary: 'Upload a file (multipart field `file`); over MAX_UPLOAD_BYTES is 413',
  input: z.object({ file: z.file() }),
  output: echohelixFile,
  handler: ({ deps, principal, input }) => files.storeUpload(deps, principal, { file: input.file }),
});

export const fileMetadata = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/files/{file_id}',
  ...workload('runs:read'),
  summary: 'Uploaded file metadata',
  input: idParam('file_id'),
  output: echohelixFile,
  handler: ({ deps, principal, input }) => files.getFile(deps, principal, { id: input.file_id }),
});
