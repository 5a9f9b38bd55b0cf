import { router } from '@/server/api/trpc';
import { health } from './health';

export const systemRouter = router({ health });
