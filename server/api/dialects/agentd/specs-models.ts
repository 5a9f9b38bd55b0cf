import { z } from 'zod';
import { getModelPolicy, modelPolicySchema, setModelPolicy } from '@/server/core/models/model-policy';
import { generateSpec } from '@/server/core/specs/generate-spec';
import { scopedProcedure } from '@/server/api/trpc';
import { rest } from '../rest-meta';

export const generateSpecProcedure = scopedProcedure('runs:submit')
  .meta(rest('agentd', 'POST', '/v1/specs/generate', { summary: 'Write specs/<spec_name>/spec.md from a prompt through the default model' }))
  .input(z.object({ workspace_path: z.string().min(1), spec_name: z.string(), prompt: z.string().min(1), overwrite: z.boolean().optional() }))
  .output(z.object({ spec_path: z.string(), content: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const result = await generateSpec(ctx.services, ctx.principal, {
      workspacePath: input.workspace_path,
      specName: input.spec_name,
      prompt: input.prompt,
      overwrite: input.overwrite,
    });
    return { spec_path: result.specPath, content: result.content };
  });

const modelRecord = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  display_name: z.string(),
  capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), streaming: z.boolean() }),
  pricing: z.object({ input_per_mtok: z.number(), output_per_mtok: z.number() }),
  is_default: z.boolean(),
});

export const listModelsProcedure = scopedProcedure('backends:read')
  .meta(rest('agentd', 'GET', '/v1/models', { summary: 'Model records and the current model policy' }))
  .input(z.object({}).passthrough().optional())
  .output(z.object({ models: z.array(modelRecord), policy: modelPolicySchema }))
  .query(async ({ ctx }) => {
    const defaultRef = ctx.services.backends.defaultModelRef();
    const models = ctx.services.backends.list().flatMap((b) =>
      b.models().map((m) => ({
        id: m.ref,
        provider: m.provider,
        model: m.model,
        display_name: m.displayName,
        capabilities: m.capabilities,
        pricing: { input_per_mtok: m.pricing.inputPerMTok, output_per_mtok: m.pricing.outputPerMTok },
        is_default: m.ref === defaultRef,
      })),
    );
    return { models, policy: await getModelPolicy(ctx.services.db) };
  });

export const getModelPolicyProcedure = scopedProcedure('backends:read')
  .meta(rest('agentd', 'GET', '/v1/model-policy', { summary: 'The model policy' }))
  .input(z.object({}).passthrough().optional())
  .output(modelPolicySchema)
  .query(({ ctx }) => getModelPolicy(ctx.services.db));

export const setModelPolicyProcedure = scopedProcedure('admin')
  .meta(rest('agentd', 'POST', '/v1/model-policy', { summary: 'Replace the model policy' }))
  .input(modelPolicySchema.partial())
  .output(modelPolicySchema)
  .mutation(async ({ ctx, input }) => {
    const current = await getModelPolicy(ctx.services.db);
    return setModelPolicy(ctx.services.db, { ...current, ...input });
  });
