import { z } from 'zod';
import { publicProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';

export const healthz = publicProcedure
  .meta(rest('echohelix', 'GET', '/healthz', { summary: 'Liveness' }))
  .input(z.object({}).passthrough().optional())
  .output(z.object({ ok: z.literal(true) }))
  .query(() => ({ ok: true as const }));
