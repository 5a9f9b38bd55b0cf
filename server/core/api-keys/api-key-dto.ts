import { z } from 'zod';
import type { apikey } from '@/db/schema';
import { statementsToScopes } from '@/server/auth/scopes';

/** A key as any list shows it: never the secret, only its first characters. */
export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  start: z.string().nullable(),
  scopes: z.array(z.string()),
  owner: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKeyDto = z.infer<typeof apiKeySchema>;

/** A key just created: the only time the secret is returned. */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export function parsePermissions(raw: string | null): Record<string, string[]> | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Record<string, string[]>;
  } catch {
    return null;
  }
}

export function toApiKeyDto(row: typeof apikey.$inferSelect): ApiKeyDto {
  return {
    id: row.id,
    name: row.name ?? '',
    prefix: row.prefix ?? '',
    start: row.start,
    scopes: statementsToScopes(parsePermissions(row.permissions)),
    owner: row.referenceId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastRequest?.toISOString() ?? null,
  };
}
