import { router } from '@/server/api/trpc';
import { createKey, deleteKey, listKeys } from './auth-keys';
import { health } from './health';

export const aegisRouter = router({ health, createKey, listKeys, deleteKey });
