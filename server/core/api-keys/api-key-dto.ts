import type { apikey } from '@/db/schema';
import { statementsToScopes } from '@/server/auth/scopes';

/** A key as any list shows it: never the secret, only its first characters. */
export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  start: string | null;
  scopes: string[];
  owner: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

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
