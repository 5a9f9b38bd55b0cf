import { z } from 'zod';
import { checkHealth } from '@/server/core/health/check-health';
import type { Services } from '@/server/services';
import { publicProcedure } from '@/server/api/trpc';
import { unhealthy } from '../autopack/health';
import { rest } from '../rest-meta';

export function everrunsHealthFields(services: Services) {
  return {
    // Turns and runs execute inside the server process (workers join through the shared database).
    runner_mode: 'in_process' as const,
    auth_mode: services.env.authDisabled ? ('none' as const) : ('full' as const),
  };
}

export const everrunsHealthSchema = z.object({
  status: z.enum(['ok', 'unhealthy']),
  version: z.string(),
  runner_mode: z.string(),
  auth_mode: z.enum(['none', 'full']),
});

export const health = publicProcedure
  .meta(rest('everruns', 'GET', '/health', { summary: 'Version, runner mode and auth mode' }))
  .input(z.object({}).passthrough().optional())
  .output(everrunsHealthSchema)
  .query(async ({ ctx }) => {
    const report = await checkHealth(ctx.services);
    const body = { status: report.databaseOk ? ('ok' as const) : ('unhealthy' as const), version: report.version, ...everrunsHealthFields(ctx.services) };
    if (!report.databaseOk) throw unhealthy(body);
    return body;
  });
