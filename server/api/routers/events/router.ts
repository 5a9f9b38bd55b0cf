/**
 * The canonical event streams for the dashboard and the SDK: tRPC subscriptions over Server-Sent
 * Events. Every event is `tracked` by its seq, so a client that loses the connection resumes right
 * after the last event it received.
 */
import { router } from '@/server/api/trpc';
import { global } from './global';
import { run } from './run';
import { session } from './session';

export const eventsRouter = router({ run, session, global });
