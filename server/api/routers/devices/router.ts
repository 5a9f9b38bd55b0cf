import { router } from '@/server/api/trpc';
import { list } from './list';
import { rename } from './rename';
import { revoke } from './revoke';
import { startPairing } from './start-pairing';

export const devicesRouter = router({ startPairing, list, rename, revoke });
