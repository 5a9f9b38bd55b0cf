import { router } from '@/server/api/trpc';
import { me } from './me';
import { signInWithToken } from './sign-in-with-token';
import { config } from './config';

export const authRouter = router({ me, signInWithToken, config });
