/** Aegis's wire shapes. Aegis reports key times as epoch milliseconds. */
import { z } from 'zod';
import type { ApiKeyDto } from '@/server/core/api-keys';
import type { HealthReport } from '@/server/core/health';

export const aegisKey = z.object({
  id: z.string(),
  name: z.string(),
  keyId: z.string().describe('The first characters of the key, to tell keys apart'),
  scopes: z.array(z.string()),
  createdAt: z.number().int(),
  expiresAt: z.number().int().nullable(),
  lastUsedAt: z.number().int().nullable(),
});

const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);

export function toAegisKey(dto: ApiKeyDto): z.infer<typeof aegisKey> {
  return {
    id: dto.id,
    name: dto.name,
    keyId: dto.start ?? dto.prefix,
    scopes: dto.scopes,
    createdAt: Date.parse(dto.createdAt),
    expiresAt: ms(dto.expiresAt),
    lastUsedAt: ms(dto.lastUsedAt),
  };
}

export const aegisHealth = z.object({
  status: z.enum(['ok', 'error']),
  version: z.string(),
  platform: z.string(),
  uptime: z.number().int(),
  sessions: z.object({ active: z.number().int(), total: z.number().int() }),
  tmux: z.object({ healthy: z.boolean(), error: z.string().nullable() }),
  timestamp: z.string(),
});

export function toAegisHealth(report: HealthReport): z.infer<typeof aegisHealth> {
  return {
    status: report.databaseOk ? 'ok' : 'error',
    version: report.version,
    platform: report.platform,
    uptime: report.uptimeSeconds,
    sessions: report.sessions,
    // Switchboard drives agents without tmux, so tmux is never the thing that is down.
    tmux: { healthy: true, error: null },
    timestamp: new Date().toISOString(),
  };
}
