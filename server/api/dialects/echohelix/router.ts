import { router } from '@/server/api/trpc';
import { fileMetadata, uploadFile } from './files';
import { healthz } from './health';

export const echohelixRouter = router({ healthz, uploadFile, fileMetadata });
