/**
 * The typed client: every query and mutation over batched HTTP, every subscription (the event
 * streams) over Server-Sent Events, each carrying the token in the Authorization header.
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import type { AppRouter } from './app-router';

export interface SwitchboardClientOptions {
  /** Where the server is, e.g. `http://127.0.0.1:8787` (a path prefix is kept). */
  url: string;
  /** An admin token, an API key or a user's access token. */
  token?: string;
  /** A fetch implementation for every request and stream (defaults to the global one). */
  fetch?: typeof globalThis.fetch;
}

export type SwitchboardClient = TRPCClient<AppRouter>;

export function createSwitchboardClient(options: SwitchboardClientOptions): SwitchboardClient {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/trpc`;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  // The browser's EventSource cannot send headers; this one (the same in Node and browsers) sends
  // its requests through fetch, so the token travels as a header, never in the URL.
  const streamFetch: FetchLike = (url, init) => baseFetch(url, { ...init, headers: { ...init.headers, ...auth } });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: endpoint, EventSource, eventSourceOptions: { fetch: streamFetch } }),
        false: httpBatchLink({ url: endpoint, fetch: baseFetch, headers: () => auth }),
      }),
    ],
  });
}
