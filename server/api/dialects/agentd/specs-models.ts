/** agentd spec generation, the model catalogue and the model policy. */
import { z } from 'zod';
import * as models from '@/server/core/models';
import * as specs from '@/server/core/specs';
import { endpoint } from '../endpoint';
import { agentdModel, toAgentdModel } from './shapes';

export const generateSpec = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/specs/generate',
  scope: 'runs:submit',
  summary: 'Write specs/<spec_name>/spec.md from a prompt through the default model',
  input: z.object({ workspace_path: z.string().min(1), spec_name: z.string(), prompt: z.string().min(1), overwrite: z.boolean().optional() }),
  output: z.object({ spec_path: z.string(), content: z.string() }),
  handler: async ({ deps, principal, input }) => {
    const result = await specs.generateSpec(deps, principal, {
      workspacePath: input.workspace_path,
      specName: input.spec_name,
      prompt: input.prompt,
      overwrite: input.overwrite,
    });
    return { spec_path: result.specPath, content: result.content };
  },
});

export const listModels = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/models',
  scope: 'backends:read',
  summary: 'Model records and the current model policy',
  output: z.object({ models: z.array(agentdModel), policy: models.modelPolicySchema }),
  handler: async ({ deps, principal }) => {
    const [catalogue, policy] = await Promise.all([models.listModels(deps, principal, {}), models.getModelPolicy(deps, principal, {})]);
    return { models: catalogue.models.map(toAgentdModel), policy };
  },
});

export const getPolicy = endpoint({
  dialect: 'agentd',
  method: 'GET',
  path: '/v1/model-policy',
  scope: 'backends:read',
  summary: 'The model policy',
  output: models.modelPolicySchema,
  handler: ({ deps, principal }) => models.getModelPolicy(deps, principal, {}),
});

export const setPolicy = endpoint({
  dialect: 'agentd',
  method: 'POST',
  path: '/v1/model-policy',
  scope: 'admin',
  summary: 'Update the model policy (fields left out keep their values)',
  input: models.modelPolicyPatchSchema,
  output: models.modelPolicySchema,
  handler: ({ deps, principal, input }) => models.updateModelPolicy(deps, principal, input),
});
