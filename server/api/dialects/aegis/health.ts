import { z } from 'zod';
import { checkHealth } from '@/server/core/health/check-health';
import { AppError } from '@/server/core/shared/errors';
import { publicProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';

const aegisHealthSchema = z.object({
  status: z.enum(['ok', 'error']),
  version: z.string(),
  platform: z.string(),
  uptime: z.number().int(),
  sessions: z.object({ active: z.number().int(), total: z.number().int() }),
  tmux: z.object({ healthy: z.boolean(), error: z.string().nullable() }),
  timestamp: z.string(),
});

export const health = publicProcedure
  .meta(rest('aegis', 'GET', '/v1/health', { summary: 'Server health' }))
  .input(z.object({}).passthrough().optional())
  .output(aegisHealthSchema)
  .query(async ({ ctx }) => {
    const report = await checkHealth(ctx.services);
    const body = {
      status: report.databaseOk ? ('ok' as const) : ('error' as const),
      version: report.version,
      platform: process.platform,
      uptime: report.uptimeSeconds,
      sessions: report.sessions,
      // Switchboard drives agents without tmux, so tmux is never the thing that is down.
      tmux: { healthy: true, error: null },
      timestamp: new Date().toISOString(),
    };
    if (!report.databaseOk) throw new AppError('SERVICE_UNAVAILABLE', 'database unreachable', { body });
    return body;
  });
