'use client';
/**
 * The dashboard's one API client: tRPC over HTTP (batched) with TanStack Query holding the cache,
 * and the event streams as tRPC subscriptions over Server-Sent Events. Credentials travel only in
 * the HttpOnly cookie the server sets (same origin, so the EventSource sends it too), so nothing
 * here ever sees a token.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
// Type-only: the router's runtime (and the database behind it) must never reach the Next bundle.
import type { AppRouter } from '@/server/api/root';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** 4xx answers are decisions (signed out, forbidden, invalid input); asking again will not change them. */
function isClientError(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, error) => !isClientError(error) && failures < 2,
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** One client per server render (no data shared between requests), one for the browser's lifetime. */
function getQueryClient(): QueryClient {
  if (typeof window === 'undefined') return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: '/api/trpc' }),
          false: httpBatchLink({
            url: '/api/trpc',
            fetch: (url, options) => fetch(url, { ...options, credentials: 'same-origin' }),
          }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
