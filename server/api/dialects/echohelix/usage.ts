/** Token usage and the daily token quotas. */
import * as usage from '@/server/core/usage';
import { endpoint } from '../endpoint';
import {
  echohelixQuotaList,
  echohelixTokenUsage,
  quotaQuery,
  tokenUsageQuery,
  toEchohelixQuotaList,
  toEchohelixTokenUsage,
  usageWindowOf,
} from './shapes/backends-usage';
import { providerOfBackend } from './shapes/backends';

export const tokenUsage = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/usage/tokens',
  scope: 'backends:read',
  summary: "Tokens used in a window (the caller's own work; the admin's: everyone's), in total and per backend",
  description:
    '`window` is a Go duration back from `to` (default 24h); `from` overrides it; `to` defaults to now. `run_count` counts a run once and a session turn once.',
  input: tokenUsageQuery,
  output: echohelixTokenUsage,
  handler: async ({ deps, principal, input }) => toEchohelixTokenUsage(await usage.tokenUsage(deps, principal, usageWindowOf(input)), input),
});

export const tokenQuota = endpoint({
  dialect: 'echohelix',
  method: 'GET',
  path: '/api/v3/usage/quota',
  scope: 'backends:read',
  summary: "Today's (UTC) daily token quota per backend, from DAILY_TOKEN_QUOTA",
  description: 'A limited backend reports its server-wide total: once it reaches the limit, new runs and turns on it are refused until UTC midnight.',
  input: quotaQuery,
  output: echohelixQuotaList,
  handler: async ({ deps, principal, input }) =>
    toEchohelixQuotaList(await usage.quotaReport(deps, principal, { provider: input.backend === undefined ? undefined : providerOfBackend(input.backend) })),
});
