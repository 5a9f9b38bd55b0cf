import { router } from '@/server/api/trpc';
import { config } from './config';
import { me } from './me';
import { signInWithToken } from './sign-in-with-token';
import { signOut } from './sign-out';
import { streamTicket } from './stream-ticket';

export const authRouter = router({ me, signInWithToken, signOut, streamTicket, config });
