/** agentd spec generation, the model catalogue and the model policy. */
import { z } from 'zod';
import { getModelPolicy, modelPolicySchema, setModelPolicy } from '@/server/core/models/model-policy';
import { generateSpec as generate } from '@/server/core/specs/generate-spec';
import { endpoint } from '../endpoint';

export const generateSpec = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/specs/generate',
  scope: 'runs:submit',
  summary: 'Write specs/<spec_name>/spec.md from a prompt through the default model',
  input: z.object({ workspace_path: z.string().min(1), spec_name: z.string(), prompt: z.string().min(1), overwrite: z.boolean().optional() }),
  output: z.object({ spec_path: z.string(), content: z.string() }),
  handler: async ({ deps, principal, input }) => {
    const result = await generate(deps, principal, {
      workspacePath: input.workspace_path,
      specName: input.spec_name,
      prompt: input.prompt,
      overwrite: input.overwrite,
    });
    return { spec_path: result.specPath, content: result.content };
  },
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

export const listModels = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/models',
  scope: 'backends:read',
  summary: 'Model records and the current model policy',
  output: z.object({ models: z.array(modelRecord), policy: modelPolicySchema }),
  handler: async ({ deps }) => {
    const defaultRef = deps.backends.defaultModelRef();
    const models = deps.backends.list().flatMap((b) =>
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
    return { models, policy: await getModelPolicy(deps.db) };
  },
});

export const getPolicy = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/model-policy',
  scope: 'backends:read',
  summary: 'The model policy',
  output: modelPolicySchema,
  handler: ({ deps }) => getModelPolicy(deps.db),
});

export const setPolicy = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/model-policy',
  scope: 'admin',
  summary: 'Replace the model policy',
  input: modelPolicySchema.partial(),
  output: modelPolicySchema,
  handler: async ({ deps, input }) => setModelPolicy(deps.db, { ...(await getModelPolicy(deps.db)), ...input }),
});
