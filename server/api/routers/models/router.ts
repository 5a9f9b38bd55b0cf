/** The model catalogue and the model policy for the dashboard and SDK. */
import { z } from 'zod';
import * as models from '@/server/core/models';
import { router, scopedProcedure } from '@/server/api/trpc';

export const modelsRouter = router({
  list: scopedProcedure('backends:read')
    .input(z.void())
    .output(models.modelListSchema)
    .query(({ ctx }) => models.listModels(ctx.services, ctx.principal, {})),
  policy: scopedProcedure('backends:read')
    .input(z.void())
    .output(models.modelPolicySchema)
    .query(({ ctx }) => models.getModelPolicy(ctx.services, ctx.principal, {})),
  setPolicy: scopedProcedure('admin')
    .input(models.modelPolicySchema)
    .output(models.modelPolicySchema)
    .mutation(({ ctx, input }) => models.updateModelPolicy(ctx.services, ctx.principal, input)),
});
