/** @switchboard/sdk: a typed client for Switchboard's API and its event streams. */
export { createSwitchboardClient, type SwitchboardClient, type SwitchboardClientOptions } from './client';
export { followAll, followRun, followSession, type FollowOptions, type GlobalStreamEvent, type StreamEvent } from './follow';
export type { AppRouter } from './app-router';
export { TRPCClientError } from '@trpc/client';
