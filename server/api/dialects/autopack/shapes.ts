/** Autopack's wire shapes. */
import { z } from 'zod';
import type { HealthReport } from '@/server/core/health';

export const autopackHealth = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  database: z.enum(['connected', 'disconnected']),
  database_identity: z.string(),
  qdrant: z.enum(['connected', 'disconnected', 'disabled']),
  kill_switches: z.record(z.string(), z.boolean()),
  version: z.string(),
});

export function toAutopackHealth(report: HealthReport): z.infer<typeof autopackHealth> {
  return {
    status: report.databaseOk ? 'healthy' : 'unhealthy',
    database: report.databaseOk ? 'connected' : 'disconnected',
    database_identity: report.databaseIdentity,
    // Switchboard keeps no vector store; Qdrant is reported as not in use rather than as down.
    qdrant: 'disabled',
    kill_switches: {
      phase6_metrics: report.killSwitches.phase6Metrics,
      consolidated_metrics: report.killSwitches.consolidatedMetrics,
    },
    version: report.version,
  };
}
