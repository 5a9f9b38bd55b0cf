import { z } from 'zod';
import { checkHealth } from '@/server/core/health';
import { publicProcedure } from '@/server/api/trpc';

export const health = publicProcedure
  .input(z.void())
  .output(z.object({ ok: z.boolean(), database: z.enum(['pglite', 'postgres']), version: z.string(), uptimeSeconds: z.number() }))
  .query(async ({ ctx }) => {
    const report = await checkHealth(ctx.services);
    return { ok: report.databaseOk, database: report.databaseKind, version: report.version, uptimeSeconds: report.uptimeSeconds };
  });
