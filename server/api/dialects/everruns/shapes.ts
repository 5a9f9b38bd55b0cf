/** Everruns's wire shapes. */
import { z } from 'zod';
import type { ApiKeyDto } from '@/server/core/api-keys';
import type { HealthReport } from '@/server/core/health';

export const everrunsHealthFields = z.object({
  runner_mode: z.string(),
  auth_mode: z.enum(['none', 'full']),
});

export const everrunsHealth = z.object({ status: z.enum(['ok', 'unhealthy']), version: z.string() }).extend(everrunsHealthFields.shape);

export function toEverrunsHealthFields(report: HealthReport): z.infer<typeof everrunsHealthFields> {
  return { runner_mode: report.runnerMode, auth_mode: report.authMode };
}

export function toEverrunsHealth(report: HealthReport): z.infer<typeof everrunsHealth> {
  return { status: report.databaseOk ? 'ok' : 'unhealthy', version: report.version, ...toEverrunsHealthFields(report) };
}

export const everrunsKey = z.object({
  id: z.string(),
  name: z.string(),
  key_prefix: z.string(),
  scopes: z.array(z.string()),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
});

export function toEverrunsKey(dto: ApiKeyDto): z.infer<typeof everrunsKey> {
  return {
    id: dto.id,
    name: dto.name,
    key_prefix: dto.start ?? dto.prefix,
    scopes: dto.scopes,
    created_at: dto.createdAt,
    expires_at: dto.expiresAt,
    last_used_at: dto.lastUsedAt,
  };
}
