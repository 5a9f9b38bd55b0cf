import { z } from 'zod';
import { checkHealth } from '@/server/core/health/check-health';
import { publicProcedure } from '@/server/api/trpc';
import { autopackHealth, autopackHealthSchema, unhealthy } from '../autopack/health';
import { everrunsHealthFields } from '../everruns/health';
import { rest } from '../rest-meta';

/** `/health` at the root serves Autopack and Everruns clients at once: the union of both documents. */
export const health = publicProcedure
  .meta(rest('health', 'GET', '/health', { summary: 'Health for Autopack and Everruns clients; 503 when the database is unreachable' }))
  .input(z.object({}).passthrough().optional())
  .output(autopackHealthSchema.extend({ runner_mode: z.string(), auth_mode: z.enum(['none', 'full']) }))
  .query(async ({ ctx }) => {
    const body = { ...autopackHealth(await checkHealth(ctx.services), ctx.services), ...everrunsHealthFields(ctx.services) };
    if (body.status === 'unhealthy') throw unhealthy(body);
    return body;
  });
