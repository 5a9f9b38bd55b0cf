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
  platform: NodeJS.Platform;
  sessions: { active: number; total: number };
  authMode: 'full' | 'none';
  /** Turns and runs execute inside the server process (workers join through the shared database). */
  runnerMode: 'in_process';
  killSwitches: { phase6Metrics: boolean; consolidatedMetrics: boolean };
}

export type HealthDeps = Pick<Services, 'database' | 'db' | 'env' | 'startedAt' | 'version'>;

function databaseIdentity(deps: HealthDeps): string {
  let where: string;
  if (deps.env.databaseUrl) {
    const url = new URL(deps.env.databaseUrl);
    where = `postgres://${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } else {
    where = `pglite:${deps.env.dataDir}`;
  }
  return createHash('sha256').update(where).digest('hex').slice(0, 16);
}

async function countSessions(deps: HealthDeps): Promise<{ active: number; total: number }> {
  try {
    const [row] = await deps.db
      .select({ total: sql<string>`count(*)`, active: sql<string>`count(*) filter (where ${agentSession.status} in ('running', 'waiting_approval'))` })
      .from(agentSession);
    return { active: Number(row?.active ?? 0), total: Number(row?.total ?? 0) };
  } catch {
    return { active: 0, total: 0 };
  }
}

/** Public: a load balancer asks this without credentials, so there is no caller. */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const databaseOk = await deps.database.ping();
  return {
    databaseOk,
    sessions: databaseOk ? await countSessions(deps) : { active: 0, total: 0 },
    databaseKind: deps.database.kind,
    databaseIdentity: databaseIdentity(deps),
    uptimeSeconds: Math.floor((Date.now() - deps.startedAt.getTime()) / 1000),
    version: deps.version,
    startedAt: deps.startedAt,
    platform: process.platform,
    authMode: deps.env.authDisabled ? 'none' : 'full',
    runnerMode: 'in_process',
    killSwitches: deps.env.killSwitches,
  };
}
