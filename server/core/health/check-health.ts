import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { agentSession } from '@/db/schema';
import type { Services } from '@/server/services';

export interface HealthReport {
  databaseOk: boolean;
  databaseKind: 'pglite' | 'postgres';
  /** A hash of where the data lives, so two processes can tell whether they share a store; no credentials. */
  databaseIdentity: string;
  uptimeSeconds: number;
  version: string;
  startedAt: Date;
  sessions: { active: number; total: number };
}

function databaseIdentity(services: Services): string {
  let where: string;
  if (services.env.databaseUrl) {
    const url = new URL(services.env.databaseUrl);
    where = `postgres://${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } else {
    where = `pglite:${services.env.dataDir}`;
  }
  return createHash('sha256').update(where).digest('hex').slice(0, 16);
}

async function countSessions(services: Services): Promise<{ active: number; total: number }> {
  try {
    const [row] = await services.db
      .select({ total: sql<string>`count(*)`, active: sql<string>`count(*) filter (where ${agentSession.status} in ('running', 'waiting_approval'))` })
      .from(agentSession);
    return { active: Number(row?.active ?? 0), total: Number(row?.total ?? 0) };
  } catch {
    return { active: 0, total: 0 };
  }
}

export async function checkHealth(services: Services): Promise<HealthReport> {
  const databaseOk = await services.database.ping();
  return {
    databaseOk,
    sessions: databaseOk ? await countSessions(services) : { active: 0, total: 0 },
    databaseKind: services.database.kind,
    databaseIdentity: databaseIdentity(services),
    uptimeSeconds: Math.floor((Date.now() - services.startedAt.getTime()) / 1000),
    version: services.version,
    startedAt: services.startedAt,
  };
}
