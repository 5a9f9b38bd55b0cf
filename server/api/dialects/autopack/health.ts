import { z } from 'zod';
import { checkHealth, type HealthReport } from '@/server/core/health/check-health';
import { AppError } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { publicProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';

export const autopackHealthSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  database: z.enum(['connected', 'disconnected']),
  database_identity: z.string(),
  qdrant: z.enum(['connected', 'disconnected', 'disabled']),
  kill_switches: z.record(z.string(), z.boolean()),
  version: z.string(),
});

export function autopackHealth(report: HealthReport, services: Services): z.infer<typeof autopackHealthSchema> {
  return {
    status: report.databaseOk ? 'healthy' : 'unhealthy',
    database: report.databaseOk ? 'connected' : 'disconnected',
    database_identity: report.databaseIdentity,
    // Switchboard keeps no vector store; Qdrant is reported as not in use rather than as down.
    qdrant: 'disabled',
    kill_switches: {
      phase6_metrics: services.env.killSwitches.phase6Metrics,
      consolidated_metrics: services.env.killSwitches.consolidatedMetrics,
    },
    version: report.version,
  };
}

/** Autopack answers 503 with the same report when the database is unreachable. */
export function unhealthy(body: unknown): AppError {
  return new AppError('SERVICE_UNAVAILABLE', 'database unreachable', { body });
}

export const health = publicProcedure
  .meta(rest('autopack', 'GET', '/health', { summary: 'Health with database and kill-switch state; 503 when unhealthy' }))
  .input(z.object({}).passthrough().optional())
  .output(autopackHealthSchema)
  .query(async ({ ctx }) => {
    const body = autopackHealth(await checkHealth(ctx.services), ctx.services);
    if (body.status === 'unhealthy') throw unhealthy(body);
    return body;
  });
