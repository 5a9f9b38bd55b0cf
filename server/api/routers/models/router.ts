import { z } from 'zod';
import { getModelPolicy, modelPolicySchema, setModelPolicy } from '@/server/core/models/model-policy';
import { router, scopedProcedure } from '@/server/api/trpc';

export const modelsRouter = router({
  list: scopedProcedure('backends:read')
    .input(z.void())
    .output(
      z.object({
        defaultModel: z.string(),
        models: z.array(
          z.object({
            ref: z.string(),
            provider: z.string(),
            model: z.string(),
            displayName: z.string(),
            kind: z.enum(['api', 'cli']),
            capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), streaming: z.boolean() }),
            pricing: z.object({ inputPerMTok: z.number(), outputPerMTok: z.number() }),
          }),
        ),
      }),
    )
    .query(({ ctx }) => ({
      defaultModel: ctx.services.backends.defaultModelRef(),
      models: ctx.services.backends.list().flatMap((b) => b.models().map((m) => ({ ...m, kind: b.kind }))),
    })),
  policy: scopedProcedure('backends:read')
    .input(z.void())
    .output(modelPolicySchema)
    .query(({ ctx }) => getModelPolicy(ctx.services.db)),
  setPolicy: scopedProcedure('admin')
    .input(modelPolicySchema)
    .output(modelPolicySchema)
    .mutation(({ ctx, input }) => setModelPolicy(ctx.services.db, input)),
});
